package io.streamgate;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The blocking calls BlockHound may see on an event loop: locks held for a few instructions by code that is not
 * ours, which only park when two threads meet. Every other blocking call still fails the test that makes it.
 *
 * <ul>
 *   <li>Netty 4.2's adaptive buffer allocator takes a {@code StampedLock} when two event loops grow its shared
 *       "magazines" at once (found by FuzzIT under concurrent large bodies).</li>
 *   <li>Cancelling a timer (an SSE reader's heartbeat {@code Flux.interval}, when the reader goes away) removes its
 *       task from the scheduler's queue under that queue's lock. Reactor's own integration allows {@code offer} and
 *       {@code take} on the same queue but not {@code remove}. This one matters beyond noise: BlockHound throws from
 *       inside the lock's acquire, which leaves the lock's wait queue broken, so the scheduler thread waiting for it
 *       is never woken and every task on it (readers' drains) hangs. ReaderChurnIT found it (1,000 disconnects); it
 *       was the rare "request never answered, every thread idle" hang of the earlier test runs.</li>
 *   <li>Jackson builds a deserializer for a type the first time it reads one, under its cache's lock: two event loops
 *       reading the first JSON bodies of a type at once meet there once. LimitsIT's concurrent first sends got 500s
 *       from it (BlockHound's error, thrown inside the lock's acquire, with the same risk of leaving the lock's wait
 *       queue broken as above).</li>
 *   <li>A scheduler's worker takes its own lock before each task; shutting the scheduler down holds that lock for an
 *       instant to interrupt idle workers (seen once, as a context closed: {@code Worker.lock} in {@code runWorker}).
 *       An idle worker of a scheduler being shut down asks whether its queue is empty before it exits, under the
 *       queue's lock, which the shutdown holds for an instant too (seen once in CI, on a processing engine's worker:
 *       {@code DelayedWorkQueue.isEmpty} in {@code ThreadPoolExecutor.getTask}). {@code getTask} is where a worker
 *       waits for its next task, never inside one: nothing of ours runs under it.</li>
 *   <li>Kafka's consumer, inside {@code poll} and {@code close}, on reactor-kafka's consumer thread. reactor-kafka marks
 *       that thread non-blocking, but it runs a blocking client: {@code poll} shares a lock with the consumer's
 *       heartbeat thread, and registers connection metrics with the JVM's MBean server, whose repository lock is
 *       <em>fair</em> and shared by every Kafka client and the in-JVM broker. BlockHound's error thrown inside that
 *       lock's acquire leaves a waiter that never runs at the head of its queue, and a fair lock then never grants
 *       again. One CI run's JVM froze with that mark: every broker request handler, producer I/O thread and new Admin
 *       client parked on the repository lock, held by nobody. Our code runs on that thread after {@code poll} returns, where
 *       BlockHound still checks it.</li>
 * </ul>
 */
public final class BriefLockBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
        builder.allowBlockingCallsInside("java.util.concurrent.ScheduledThreadPoolExecutor$DelayedWorkQueue", "remove");
        builder.allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache",
                "_createAndCacheValueDeserializer");
        builder.allowBlockingCallsInside("java.util.concurrent.ThreadPoolExecutor$Worker", "lock");
        builder.allowBlockingCallsInside("java.util.concurrent.ThreadPoolExecutor", "getTask");
        builder.allowBlockingCallsInside("org.apache.kafka.clients.consumer.KafkaConsumer", "poll");
        builder.allowBlockingCallsInside("org.apache.kafka.clients.consumer.KafkaConsumer", "close");
    }
}
