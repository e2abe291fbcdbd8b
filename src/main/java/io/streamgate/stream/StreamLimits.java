package io.streamgate.stream;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;

/**
 * Per-tenant limits on what a tenant may hold or do at once, checked before anything is written: sends per second
 * (a Bucket4j token bucket per tenant, lock-free), SSE readers per stream and per tenant; and open streams in all.
 * (Open streams are counted by the {@link StreamRegistry}, which sees every stream come and go.)
 */
public final class StreamLimits {

    private final int openStreamsPerTenant;
    private final int openStreams;
    private final long sendsPerSecondPerTenant;
    private final int readersPerStream;
    private final int readersPerTenant;
    private final Map<String, Bucket> sendBuckets = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> readersByTenant = new ConcurrentHashMap<>();

    public StreamLimits(int openStreamsPerTenant, int openStreams, long sendsPerSecondPerTenant, int readersPerStream,
                        int readersPerTenant) {
        this.openStreamsPerTenant = openStreamsPerTenant;
        this.openStreams = openStreams;
        this.sendsPerSecondPerTenant = sendsPerSecondPerTenant;
        this.readersPerStream = readersPerStream;
        this.readersPerTenant = readersPerTenant;
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
        AtomicInteger tenantReaders = readersByTenant.computeIfAbsent(session.key().tenant(), t -> new AtomicInteger());
        if (tenantReaders.incrementAndGet() > readersPerTenant) {
            tenantReaders.decrementAndGet();
            session.removeReader();
            throw new LimitExceededException("readers-per-tenant",
                    "Your streams already have " + readersPerTenant + " readers", null);
        }
        return () -> {
            tenantReaders.decrementAndGet();
            session.removeReader();
        };
    }
}
