package io.streamgate.stream;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.streamgate.config.TenantShare;

/**
 * What each tenant holds of one of this node's bounds, against its share of it (a {@link TenantShare}): the bytes
 * in flight ({@code max-bytes-in-flight-per-tenant}), the sends waiting for Kafka
 * ({@code max-sends-in-flight-per-tenant}), the readers connected ({@code readers-per-tenant}). Without a share, a
 * single tenant's uploads or WebSocket frames could hold the whole of {@code max-bytes-in-flight}, and every other
 * tenant's sends to the node got 503 for as long as they lasted (64 sockets each stopped short of a 2 MB frame held it
 * for 30 s: BENCHMARKS.md section 98); with a fixed half, two tenants could (section 111). Each share follows
 * {@link ByteBound#fits}, the node's rule: what is larger than the whole share is taken when the tenant holds nothing
 * else, and what holds nothing is never refused. A tenant is in the map only while it holds some, so the map holds no
 * more tenants than there are sends, sockets and readers holding some.
 */
public final class TenantShares {

    /** Long enough for what a tenant holds to be given back, as Kafka answers or a body is read. */
    private static final Duration RETRY_SHORTLY = Duration.ofSeconds(1);

    /** The share's name, as in its configuration property and the rejection metric's tag. */
    private final String limit;
    private final TenantShare share;
    /** What a refusal's {@code Retry-After} says; null for none. */
    private final Duration retryAfter;
    /** Null where the share covers the node's whole bound: nothing is counted. */
    private final ConcurrentHashMap<String, Long> held;
    /** What all tenants hold together, so that each take sees what the others hold. */
    private final AtomicLong total = new AtomicLong();

    private TenantShares(String limit, TenantShare share, boolean counted, Duration retryAfter) {
        this.limit = limit;
        this.share = share;
        this.held = counted ? new ConcurrentHashMap<>() : null;
        this.retryAfter = retryAfter;
    }

    /**
     * Each tenant's {@code share} of a node's {@code bound}, the share named {@code limit}, refused with a retry after
     * a second. A share that covers the whole bound is not counted at all (an open gateway's one tenant, or a share
     * set that high): the node's bound, checked first, refuses before it could, and a send pays nothing for it.
     */
    public static TenantShares of(String limit, TenantShare share, long bound) {
        return of(limit, share, bound, RETRY_SHORTLY);
    }

    /** The same, refused with {@code retryAfter} (null: none, where nothing given back on its own makes room). */
    public static TenantShares of(String limit, TenantShare share, long bound, Duration retryAfter) {
        return new TenantShares(limit, share, !share.coversTheWhole(bound), retryAfter);
    }

    /** What a request past a tenant's share is answered: 429, {@code detail}, and the share's Retry-After. */
    public LimitExceededException refusal(String detail) {
        return new LimitExceededException(limit, detail, retryAfter);
    }

    /** Whether anything is counted: false where the share covers the node's whole bound. */
    boolean counted() {
        return held != null;
    }

    /**
     * Takes {@code amount} into {@code tenant}'s share if there is room for it; false, and nothing taken, if not. Two
     * tenants taking at once may each see what the other held before: the share is then passed by at most what they
     * take together, which the node's bound bounds.
     */
    public boolean tryTake(String tenant, long amount) {
        if (amount <= 0 || held == null) {
            return true;
        }
        boolean[] taken = new boolean[1];
        held.compute(tenant, (name, holding) -> {
            long now = holding == null ? 0 : holding;
            taken[0] = ByteBound.fits(now, amount, share.of(total.get() - now));
            return taken[0] ? now + amount : holding;
        });
        if (taken[0]) {
            total.addAndGet(amount);
        }
        return taken[0];
    }

    public void giveBack(String tenant, long amount) {
        if (amount > 0 && held != null) {
            held.computeIfPresent(tenant, (name, holding) -> holding == amount ? null : holding - amount);
            total.addAndGet(-amount);
        }
    }

    /** Whether {@code tenant} has room for one more now, taking nothing. */
    boolean hasRoomForOne(String tenant) {
        if (held == null) {
            return true;
        }
        long now = held(tenant);
        return ByteBound.fits(now, 1, share.of(total.get() - now));
    }

    /** What {@code tenant} holds now. */
    public long held(String tenant) {
        return held == null ? 0 : held.getOrDefault(tenant, 0L);
    }

    /** Which tenants hold any now. */
    Set<String> tenantsHolding() {
        return held == null ? Set.of() : held.keySet();
    }
}
