package io.streamgate.stream;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes held at once against {@code max-bytes-in-flight}: the chunks waiting for Kafka ({@link BoundedCommandLog}), and
 * the HTTP bodies and WebSocket messages being read or answered (the http package's {@code BodyBudget}). Whatever
 * holds more than the whole bound is still taken when nothing else is held, so that nothing the size limits allow is
 * refused for ever; and what holds nothing (a start, an end) is never refused.
 */
public final class ByteBound {

    private final long max;
    private final AtomicLong held = new AtomicLong();

    public ByteBound(long max) {
        this.max = max;
    }

    /** Takes {@code bytes} if there is room for them; false, and nothing taken, if not. */
    public boolean tryTake(long bytes) {
        long after = held.addAndGet(bytes);
        if (!fits(after - bytes, bytes, max)) {
            held.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    /**
     * The rule of every such bound: {@code bytes} fit beside {@code held} under {@code max}, or are taken anyway when
     * nothing else is held (larger than the whole, alone), or hold nothing.
     */
    public static boolean fits(long held, long bytes, long max) {
        return bytes <= 0 || held == 0 || held + bytes <= max;
    }

    public void giveBack(long bytes) {
        held.addAndGet(-bytes);
    }

    /** Whether it is full: nothing more but what holds nothing would be taken. */
    public boolean isFull() {
        return held.get() >= max;
    }

    public long held() {
        return held.get();
    }

    public long max() {
        return max;
    }
}
