package io.streamgate.http;

import java.util.concurrent.ConcurrentHashMap;

import io.streamgate.stream.ByteBound;

/**
 * What each tenant holds of this node's bytes in flight, against a share of them
 * ({@code max-bytes-in-flight-per-tenant}): without one, a single tenant's uploads or WebSocket frames could hold the
 * whole of {@code max-bytes-in-flight}, and every other tenant's sends to the node got 503 for as long as they lasted
 * (64 sockets each stopped short of a 2 MB frame held it for 30 s: BENCHMARKS.md section 98). Each share follows
 * {@link ByteBound#fits}, the node's rule: what is larger than the whole share is taken when the tenant holds nothing
 * else, and what holds nothing is never refused. A tenant is in the map only while it holds bytes, so the map holds
 * no more tenants than there are sends and sockets holding some.
 */
final class TenantShares {

    /** Shares no smaller than the node's whole budget, which could never refuse: nothing is counted. */
    private static final long WHOLE = Long.MAX_VALUE;

    private final long share;
    private final ConcurrentHashMap<String, Long> held = new ConcurrentHashMap<>();

    private TenantShares(long share) {
        this.share = share;
    }

    /**
     * Shares of {@code share} bytes of a node's {@code budget}. A share as large as the budget is not counted at all
     * (an open gateway's one tenant, or a share set that high): the node's budget, checked first, refuses before it
     * could, and a send pays nothing for it.
     */
    static TenantShares of(long share, long budget) {
        return new TenantShares(share >= budget ? WHOLE : share);
    }

    /** Takes {@code bytes} into {@code tenant}'s share if there is room for them; false, and nothing taken, if not. */
    boolean tryTake(String tenant, long bytes) {
        if (bytes <= 0 || share == WHOLE) {
            return true;
        }
        boolean[] taken = new boolean[1];
        held.compute(tenant, (name, holding) -> {
            long now = holding == null ? 0 : holding;
            taken[0] = ByteBound.fits(now, bytes, share);
            return taken[0] ? now + bytes : holding;
        });
        return taken[0];
    }

    void giveBack(String tenant, long bytes) {
        if (bytes > 0 && share != WHOLE) {
            held.computeIfPresent(tenant, (name, holding) -> holding == bytes ? null : holding - bytes);
        }
    }

    /** What {@code tenant} holds now. */
    long held(String tenant) {
        return held.getOrDefault(tenant, 0L);
    }

    /** The tenants holding any bytes now. */
    int tenants() {
        return held.size();
    }

    long share() {
        return share;
    }
}
