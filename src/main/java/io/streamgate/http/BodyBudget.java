package io.streamgate.http;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.streamgate.config.TenantShare;
import io.streamgate.stream.ByteBound;
import io.streamgate.stream.CommandLogBusyException;
import io.streamgate.stream.LimitExceededException;
import io.streamgate.stream.Once;
import io.streamgate.stream.TenantShares;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * The send bodies and WebSocket messages this node reads and holds at once, by size ({@code max-bytes-in-flight}),
 * and each tenant's part of them ({@code max-bytes-in-flight-per-tenant}, {@link TenantShares}): a send reserves its
 * body's declared {@code Content-Length} (the largest body it may send, when it declares none) before the body is read,
 * and gives it back with its answer, once Kafka has answered for its chunks; a WebSocket's frames are counted from
 * their headers, before their payloads are read ({@link Holding}). Beyond the node's budget a send is refused at
 * once, 503 with {@code Retry-After}, and beyond its tenant's share 429 with {@code Retry-After}, both before its
 * body is read; a socket closes with {@code 1013} at the frame there is no room for. The chunks waiting for Kafka are
 * bounded by size too, but only once read: 4,096 uploads of 1 MB at once, to a gateway whose broker stalled, were read
 * together into Netty's direct buffers and exhausted them, 16 WebSockets sending 1 MB messages held 256 each in the
 * heap, and 1,500 each part-way through a 2 MB frame held them in direct memory (BENCHMARKS.md sections 95, 96 and
 * 98).
 */
final class BodyBudget {

    private final ByteBound reserved;
    private final TenantShares tenants;

    /** {@code maxBytes} for the node, {@code tenantShare} of them for any one tenant. */
    BodyBudget(long maxBytes, TenantShare tenantShare) {
        this.reserved = new ByteBound(maxBytes);
        this.tenants = TenantShares.of("max-bytes-in-flight-per-tenant", tenantShare, maxBytes);
    }

    /**
     * Runs {@code send} of {@code tenant} with its body's size reserved, given back however it ends, before its answer
     * goes on ({@link Once} says why). A body larger than the whole budget is still read when no other is, so that no
     * send the size limits allow is refused for ever.
     */
    <T> Mono<T> reserving(String tenant, ServerRequest request, long largest, Supplier<Mono<T>> send) {
        return Mono.defer(() -> {
            long size = Math.min(Math.max(0, request.headers().contentLength().orElse(largest)), largest);
            RuntimeException refused = take(tenant, size);
            if (refused != null) {
                return Mono.error(refused);
            }
            Once giveBack = new Once(() -> giveBack(tenant, size));
            return giveBack.onEnd(send.get());
        });
    }

    /**
     * Takes {@code bytes} into the node's budget and the tenant's share, or neither: null, or what refused them. The
     * node's first, so that a node with no room says so (503) whoever asks, and an open gateway's one tenant, whose
     * share is the whole, is never told of a share.
     */
    private RuntimeException take(String tenant, long bytes) {
        if (!reserved.tryTake(bytes)) {
            return busy();
        }
        if (!tenants.tryTake(tenant, bytes)) {
            reserved.giveBack(bytes);
            return tenants.refusal("Your sends of " + tenants.held(tenant) / 1024 + " KB are already being read or"
                    + " waiting for Kafka on this node; nothing was stored. Retry shortly.");
        }
        return null;
    }

    private void giveBack(String tenant, long bytes) {
        reserved.giveBack(bytes);
        tenants.giveBack(tenant, bytes);
    }

    /** What a send beyond the node's budget is refused with. */
    private CommandLogBusyException busy() {
        return new CommandLogBusyException(CommandLogBusyException.MAX_BYTES_IN_FLIGHT, "Sends of "
                + reserved.max() / 1024 + " KB are already being read or waiting for Kafka on this node; nothing was"
                + " stored. Retry shortly.");
    }

    /** A WebSocket of {@code tenant}: what its messages hold, counted as they arrive, given back as it closes. */
    Holding holding(String tenant) {
        return new Holding(tenant);
    }

    /** The bytes reserved now. */
    long reserved() {
        return reserved.held();
    }

    /** The bytes {@code tenant} holds now. */
    long reserved(String tenant) {
        return tenants.held(tenant);
    }

    /**
     * The frames one WebSocket is reading or has read and not yet answered, each counted from its header
     * ({@link FrameBudget}) and given back with its message's answer. What the socket still holds when it closes
     * (messages read and never stored, a frame cut off) is given back then, once.
     */
    final class Holding {

        private static final long CLOSED = -1;
        private final String tenant;
        private final AtomicLong held = new AtomicLong();
        /** Whether the last frame not counted was past the tenant's share (read on the thread that takes). */
        private boolean pastTheShare;

        private Holding(String tenant) {
            this.tenant = tenant;
        }

        /** Counts a frame of {@code bytes} about to be read; false if there is no room for it (none counted). */
        boolean take(long bytes) {
            RuntimeException refusal = BodyBudget.this.take(tenant, bytes);
            if (refusal != null) {
                pastTheShare = refusal instanceof LimitExceededException;
                return false;
            }
            long before = held.getAndUpdate(now -> now == CLOSED ? CLOSED : now + bytes);
            if (before == CLOSED) {
                BodyBudget.this.giveBack(tenant, bytes);
                return false;
            }
            return true;
        }

        /** Whether the last frame refused was past the tenant's share, not the node's budget. */
        boolean refusedForTheTenant() {
            return pastTheShare;
        }

        /** Whether the socket has closed: it counts nothing more. */
        boolean isClosed() {
            return held.get() == CLOSED;
        }

        /** Gives back messages answered, {@code bytes} together. */
        void giveBack(long bytes) {
            long before = held.getAndUpdate(now -> now == CLOSED ? CLOSED : now - bytes);
            if (before != CLOSED) {
                BodyBudget.this.giveBack(tenant, bytes);
            }
        }

        /** Gives back whatever the socket still holds; it counts nothing more. */
        void close() {
            long before = held.getAndSet(CLOSED);
            if (before != CLOSED) {
                BodyBudget.this.giveBack(tenant, before);
            }
        }
    }
}
