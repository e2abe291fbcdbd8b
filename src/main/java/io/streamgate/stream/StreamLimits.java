package io.streamgate.stream;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.streamgate.config.TenantShare;

/**
 * Per-tenant limits on what a tenant may hold or do at once, checked before anything is written: sends per second
 * (a Bucket4j token bucket per tenant, lock-free), SSE readers per stream and per tenant (a {@link TenantShare} of
 * the node's connections, which may depend on what other tenants' readers hold); and open streams in all.
 * (Open streams are counted by the {@link StreamRegistry}, which sees every stream come and go.)
 *
 * <p>What is kept per tenant is kept only while the tenant is active: a reader count while it has readers, a bucket
 * until {@link #forgetIdleTenants()} finds it full again. Tenants come and go (under OIDC every subject is one), so
 * state kept for every tenant ever seen would grow without bound.
 */
public final class StreamLimits {

    private final int openStreamsPerTenant;
    private final int openStreams;
    private final long sendsPerSecondPerTenant;
    private final int readersPerStream;
    /** Each tenant's readers, against its share, which may depend on what the others' readers hold. */
    private final TenantShares readersByTenant;
    private final Map<String, Bucket> sendBuckets = new ConcurrentHashMap<>();
    private final TimeMeter time;

    /** @param clock what the send buckets refill by */
    public StreamLimits(int openStreamsPerTenant, int openStreams, long sendsPerSecondPerTenant, int readersPerStream,
                        TenantShare readersPerTenant, Clock clock) {
        this.time = timeOf(clock);
        this.openStreamsPerTenant = openStreamsPerTenant;
        this.openStreams = openStreams;
        this.sendsPerSecondPerTenant = sendsPerSecondPerTenant;
        this.readersPerStream = readersPerStream;
        // Counted whatever the share: max-connections, the readers' bound, is not this class's to check first. No
        // Retry-After: only a reader leaving makes room.
        this.readersByTenant = TenantShares.of("readers-per-tenant", readersPerTenant, Long.MAX_VALUE, null);
    }

    /** The clock as Bucket4j reads time: what its default, the system's milliseconds, would be. */
    private static TimeMeter timeOf(Clock clock) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return TimeUnit.MILLISECONDS.toNanos(clock.millis());
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    int openStreamsPerTenant() {
        return openStreamsPerTenant;
    }

    int openStreams() {
        return openStreams;
    }

    /**
     * Takes {@code sends} sends from the tenant's budget at once, or none, refusing with the time until they are
     * available.
     */
    void admitSends(String tenant, int sends) {
        Bucket bucket = sendBuckets.computeIfAbsent(tenant, ignored -> Bucket.builder()
                .addLimit(limit -> limit.capacity(sendsPerSecondPerTenant)
                        .refillGreedy(sendsPerSecondPerTenant, Duration.ofSeconds(1)))
                .withCustomTimePrecision(time)
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(sends);
        if (!probe.isConsumed()) {
            throw sendsExceeded(probe.getNanosToWaitForRefill());
        }
    }

    /**
     * Refuses now, taking nothing, when the tenant has not one send left: asked before a send's body is read, so that
     * a tenant over its rate is answered without its body being uploaded or parsed. The sends themselves are taken by
     * {@link #admitSends} once the body has said how many.
     */
    void requireASend(String tenant) {
        Bucket bucket = sendBuckets.get(tenant); // none yet: the tenant has its whole budget
        if (bucket != null) {
            EstimationProbe probe = bucket.estimateAbilityToConsume(1);
            if (!probe.canBeConsumed()) {
                throw sendsExceeded(probe.getNanosToWaitForRefill());
            }
        }
    }

    private LimitExceededException sendsExceeded(long nanosToWait) {
        return new LimitExceededException("sends-per-second-per-tenant",
                "More than " + sendsPerSecondPerTenant + " sends per second", Duration.ofNanos(nanosToWait));
    }

    /** Admits one more reader of {@code session}; returns the action that lets it go again. */
    Runnable admitReader(StreamSession session) {
        if (!session.tryAddReader(readersPerStream)) {
            throw new LimitExceededException("readers-per-stream",
                    "This stream already has " + readersPerStream + " readers", null);
        }
        String tenant = session.key().tenant();
        if (!readersByTenant.tryTake(tenant, 1)) {
            session.removeReader();
            throw readersByTenant.refusal("Your streams already have " + readersByTenant.held(tenant) + " readers");
        }
        return () -> {
            readersByTenant.giveBack(tenant, 1);
            session.removeReader();
        };
    }

    /**
     * Forgets the send buckets of tenants that have not sent for a second or more: a full bucket is what a tenant
     * without one gets. A send racing this may be taken from the bucket just forgotten, so a tenant can get that
     * one send more in that second.
     */
    void forgetIdleTenants() {
        sendBuckets.values().removeIf(bucket -> bucket.getAvailableTokens() >= sendsPerSecondPerTenant);
    }

    /** Tenants this node keeps a send bucket or a reader count for. */
    int tenantsKept() {
        Set<String> tenants = new HashSet<>(sendBuckets.keySet());
        tenants.addAll(readersByTenant.tenantsHolding());
        return tenants.size();
    }
}
