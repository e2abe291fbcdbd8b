package io.streamgate.http;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.streamgate.stream.CommandLogBusyException;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * The send bodies this node reads and holds at once, by size ({@code max-bytes-in-flight}): a send reserves its body's
 * declared {@code Content-Length} (the largest body it may send, when it declares none) before the body is read, and
 * gives it back with its answer, once Kafka has answered for its chunks. Beyond it a send is refused at once, 503 with
 * {@code Retry-After}, before its body is read. The chunks waiting for Kafka are bounded by size too, but only once
 * read: 4,096 uploads of 1 MB at once, to a gateway whose broker stalled, were read together into Netty's direct
 * buffers and exhausted them (BENCHMARKS.md section 95).
 */
final class BodyBudget {

    private final long maxBytes;
    private final AtomicLong reserved = new AtomicLong();

    BodyBudget(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Runs {@code send} with its body's size reserved, given back however it ends. A body larger than the whole
     * budget is still read when no other is, so that no send the size limits allow is refused for ever.
     */
    <T> Mono<T> reserving(ServerRequest request, long largest, Supplier<Mono<T>> send) {
        return Mono.defer(() -> {
            long size = Math.min(Math.max(0, request.headers().contentLength().orElse(largest)), largest);
            long after = reserved.addAndGet(size);
            if (after > maxBytes && after != size) {
                reserved.addAndGet(-size);
                return Mono.error(new CommandLogBusyException("Sends of " + maxBytes / 1024 + " KB are already being"
                        + " read or waiting for Kafka on this node; nothing was stored. Retry shortly."));
            }
            return send.get().doFinally(signal -> reserved.addAndGet(-size));
        });
    }

    /** The bytes reserved now. */
    long reserved() {
        return reserved.get();
    }
}
