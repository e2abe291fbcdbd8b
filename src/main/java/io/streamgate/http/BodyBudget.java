package io.streamgate.http;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.streamgate.stream.ByteBound;
import io.streamgate.stream.CommandLogBusyException;
import io.streamgate.stream.Once;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * The send bodies and WebSocket messages this node reads and holds at once, by size ({@code max-bytes-in-flight}): a
 * send reserves its body's declared {@code Content-Length} (the largest body it may send, when it declares none)
 * before the body is read, and gives it back with its answer, once Kafka has answered for its chunks; a WebSocket's
 * message is counted as it arrives ({@link Holding}). Beyond it a send is refused at once, 503 with
 * {@code Retry-After}, before its body is read, and a message is let go as it arrives and answered with an error
 * frame of the same problem. The chunks waiting for Kafka are bounded by size too, but only once read: 4,096 uploads
 * of 1 MB at once, to a gateway whose broker stalled, were read together into Netty's direct buffers and exhausted
 * them, and 16 WebSockets sending 1 MB messages held 256 each in the heap (BENCHMARKS.md sections 95 and 96).
 */
final class BodyBudget {

    private final ByteBound reserved;

    BodyBudget(long maxBytes) {
        this.reserved = new ByteBound(maxBytes);
    }

    /**
     * Runs {@code send} with its body's size reserved, given back however it ends, before its answer goes on
     * ({@link Once} says why). A body larger than the whole budget is still read when no other is, so that no send the
     * size limits allow is refused for ever.
     */
    <T> Mono<T> reserving(ServerRequest request, long largest, Supplier<Mono<T>> send) {
        return Mono.defer(() -> {
            long size = Math.min(Math.max(0, request.headers().contentLength().orElse(largest)), largest);
            if (!reserved.tryTake(size)) {
                return Mono.error(busy());
            }
            Once giveBack = new Once(() -> reserved.giveBack(size));
            return giveBack.onEnd(send.get());
        });
    }

    /** What a send or message beyond the budget is refused with. */
    CommandLogBusyException busy() {
        return new CommandLogBusyException("Sends of " + reserved.max() / 1024 + " KB are already being read or waiting"
                + " for Kafka on this node; nothing was stored. Retry shortly.");
    }

    /** A WebSocket's share: what its messages hold, counted as they arrive and all given back when it closes. */
    Holding holding() {
        return new Holding();
    }

    /** The bytes reserved now. */
    long reserved() {
        return reserved.held();
    }

    /**
     * The messages one WebSocket has read and not yet answered. A message's size is known only once it has been read
     * (frames carry no length of the message ahead), so it is counted then: one past the budget is let go at once (and
     * answered in its turn), and each socket holds at most the one message it is reading beyond what the budget counts.
     * What the socket still holds when it closes (messages read and never stored) is given back then, once.
     */
    final class Holding {

        private static final long CLOSED = -1;
        private final AtomicLong held = new AtomicLong();

        /** Counts a message of {@code bytes} just read; false if the budget has no room for it (nothing counted). */
        boolean take(long bytes) {
            if (!reserved.tryTake(bytes)) {
                return false;
            }
            long before = held.getAndUpdate(now -> now == CLOSED ? CLOSED : now + bytes);
            if (before == CLOSED) {
                reserved.giveBack(bytes);
                return false;
            }
            return true;
        }

        /** Gives back messages answered, {@code bytes} together. */
        void giveBack(long bytes) {
            long before = held.getAndUpdate(now -> now == CLOSED ? CLOSED : now - bytes);
            if (before != CLOSED) {
                reserved.giveBack(bytes);
            }
        }

        /** Gives back whatever the socket still holds; it counts nothing more. */
        void close() {
            long before = held.getAndSet(CLOSED);
            if (before != CLOSED) {
                reserved.giveBack(before);
            }
        }
    }
}
