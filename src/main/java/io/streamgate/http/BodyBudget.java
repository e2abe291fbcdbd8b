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
 * frames are counted from their headers, before their payloads are read ({@link Holding}). Beyond it a send is refused
 * at once, 503 with {@code Retry-After}, before its body is read, and a socket closes with {@code 1013} at the frame
 * there is no room for. The chunks waiting for Kafka are bounded by size too, but only once read: 4,096 uploads of
 * 1 MB at once, to a gateway whose broker stalled, were read together into Netty's direct buffers and exhausted them,
 * 16 WebSockets sending 1 MB messages held 256 each in the heap, and 1,500 each part-way through a 2 MB frame held
 * them in direct memory (BENCHMARKS.md sections 95, 96 and 98).
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

    /** What a send beyond the budget is refused with. */
    CommandLogBusyException busy() {
        return new CommandLogBusyException(CommandLogBusyException.MAX_BYTES_IN_FLIGHT, "Sends of " + reserved.max() / 1024 + " KB are already being read or waiting"
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
     * The frames one WebSocket is reading or has read and not yet answered, each counted from its header
     * ({@link FrameBudget}) and given back with its message's answer. What the socket still holds when it closes
     * (messages read and never stored, a frame cut off) is given back then, once.
     */
    final class Holding {

        private static final long CLOSED = -1;
        private final AtomicLong held = new AtomicLong();

        /** Counts a frame of {@code bytes} about to be read; false if the budget has no room for it (none counted). */
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

        /** Whether the socket has closed: it counts nothing more. */
        boolean isClosed() {
            return held.get() == CLOSED;
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
