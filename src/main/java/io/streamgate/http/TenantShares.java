package io.streamgate.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.streamgate.config.TenantShare;
import io.streamgate.stream.ByteBound;

/**
 * What each tenant holds of this node's bytes in flight, against its share of them
 * ({@code max-bytes-in-flight-per-tenant}, a {@link TenantShare}): without one, a single tenant's uploads or WebSocket
 * frames could hold the whole of {@code max-bytes-in-flight}, and every other tenant's sends to the node got 503 for
 * as long as they lasted (64 sockets each stopped short of a 2 MB frame held it for 30 s: BENCHMARKS.md section 98);
 * with a fixed half, two tenants could (section 111). Each share follows {@link ByteBound#fits}, the node's rule: what
 * is larger than the whole share is taken when the tenant holds nothing else, and what holds nothing is never refused.
 * A tenant is in the map only while it holds bytes, so the map holds no more tenants than there are sends and sockets
 * holding some.
 */
final class TenantShares {

    private final TenantShare share;
    /** Null where the share covers the node's whole budget: nothing is counted. */
    private final ConcurrentHashMap<String, Long> held;
    /** What all tenants hold together, so that each take sees what the others hold. */
    private final AtomicLong total = new AtomicLong();

    private TenantShares(TenantShare share, boolean counted) {
        this.share = share;
        this.held = counted ? new ConcurrentHashMap<>() : null;
    }

    /**
     * Each tenant's {@code share} of a node's {@code budget}. A share that covers the whole budget is not counted at
     * all (an open gateway's one tenant, or a share set that high): the node's budget, checked first, refuses before
     * it could, and a send pays nothing for it.
     */
    static TenantShares of(TenantShare share, long budget) {
        return new TenantShares(share, !share.coversTheWhole(budget));
    }

    /**
     * Takes {@code bytes} into {@code tenant}'s share if there is room for them; false, and nothing taken, if not.
     * Two tenants taking at once may each see what the other held before: the share is then passed by at most what
     * they take together, which the node's budget bounds.
     */
    boolean tryTake(String tenant, long bytes) {
        if (bytes <= 0 || held == null) {
            return true;
        }
        boolean[] taken = new boolean[1];
        held.compute(tenant, (name, holding) -> {
            long now = holding == null ? 0 : holding;
            taken[0] = ByteBound.fits(now, bytes, share.of(total.get() - now));
            return taken[0] ? now + bytes : holding;
        });
        if (taken[0]) {
            total.addAndGet(bytes);
        }
        return taken[0];
    }

    void giveBack(String tenant, long bytes) {
        if (bytes > 0 && held != null) {
            held.computeIfPresent(tenant, (name, holding) -> holding == bytes ? null : holding - bytes);
            total.addAndGet(-bytes);
        }
    }

    /** What {@code tenant} holds now. */
    long held(String tenant) {
        return held == null ? 0 : held.getOrDefault(tenant, 0L);
    }

    /** The tenants holding any bytes now. */
    int tenants() {
        return held == null ? 0 : held.size();
    }
}
