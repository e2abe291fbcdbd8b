package io.streamgate.stream;

import java.time.Duration;
import java.util.UUID;

/**
 * Heap a gateway keeps per tenant once the tenant is gone: 100,000 tenants each start a stream, send to it, read it
 * and end it, then the clock moves on past their send buckets' refill and a sweep's forgetting runs; the heap after
 * full GCs before and after. Run by load-tests/heap.sh (the tests' {@link MutableClock} moves time).
 */
public final class TenantHeap {

    public static void main(String[] args) throws InterruptedException {
        int tenants = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        MutableClock clock = new MutableClock();
        StreamRegistry registry = new StreamRegistry(100, 1 << 20, Long.MAX_VALUE, Long.MAX_VALUE, Duration.ofHours(1), clock);
        StreamLimits limits = new StreamLimits(1000, 100_000, 1000, 100, 1000, clock);
        long before = KeyHeap.heapUsed();
        for (int t = 0; t < tenants; t++) {
            String tenant = "subject-" + UUID.randomUUID();
            StreamSession session = registry.reserve(new StreamKey(tenant, new StreamId("job")), "start-" + t, "echo",
                    limits);
            limits.admitSends(tenant, 1);
            limits.admitReader(session).run();
            registry.forget(session);
        }
        clock.advance(Duration.ofSeconds(2));
        limits.forgetIdleTenants();
        long after = KeyHeap.heapUsed();
        System.out.printf("%.1f bytes kept a tenant gone (%,d tenants)%n",
                (after - before) / (double) tenants, tenants);
    }
}
