package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamgate.processing.engine.LogEvent;
import io.streamgate.processing.engine.ProcessingLog;
import io.streamgate.processing.engine.Transaction;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Processors share the requests' partitions through the group's rebalances. Against the test broker, two connections
 * of the processing log stand for two processors: when the second joins, the first gives up only the partitions that
 * move to it and keeps the others' assignments (and so the streams it restored for them), and its transactions go on
 * committing through the rebalance, one sent under the generation before committed again under the new one.
 */
class IncrementalRebalanceIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int PARTITIONS = 4;

    @Test
    void shouldMoveOnlyThePartitionsTheJoiningProcessorTakesAndKeepCommittingThroughTheRebalance() {
        ClientSettings settings = TestKafka.freshTopics("rebalance", PARTITIONS);
        List<LogEvent> firstEvents = new CopyOnWriteArrayList<>();
        List<LogEvent> secondEvents = new CopyOnWriteArrayList<>();
        ProcessingLog.Connection first = connect(settings);
        Disposable firstReading = first.events().subscribe(firstEvents::add);
        ProcessingLog.Connection second = null;
        Disposable secondReading = null;
        AtomicInteger commits = new AtomicInteger();
        AtomicReference<Throwable> commitFailure = new AtomicReference<>();
        Disposable committing = null;
        try {
            await().atMost(TIMEOUT).until(() -> held(firstEvents).size() == PARTITIONS);
            // What a busy processor does: one transaction after another, each with the offsets of what it holds.
            committing = Mono.defer(() -> first.commit(offsetsOf(held(firstEvents))))
                    .doOnSuccess(done -> commits.incrementAndGet())
                    .then(Mono.delay(Duration.ofMillis(5)))
                    .repeat()
                    .subscribe(null, commitFailure::set);

            second = connect(settings);
            secondReading = second.events().subscribe(secondEvents::add);
            await().atMost(TIMEOUT).until(() -> held(secondEvents).size() == PARTITIONS / 2
                    && held(firstEvents).size() == PARTITIONS / 2 || commitFailure.get() != null);
            int afterRebalance = commits.get();
            await().atMost(TIMEOUT).until(() -> commits.get() >= afterRebalance + 20 || commitFailure.get() != null);

            assertThat(commitFailure.get()).as("the first processor's commits through the rebalance (%d committed)",
                    commits.get()).isNull();
            assertThat(firstEvents.stream().filter(LogEvent.Assigned.class::isInstance).map(LogEvent::partition))
                    .as("the first processor's assignments, each partition's given once: %s", firstEvents)
                    .containsExactlyInAnyOrder(0, 1, 2, 3);
            assertThat(firstEvents.stream().filter(LogEvent.Revoked.class::isInstance).map(LogEvent::partition))
                    .as("the partitions the first processor gave up: %s; the second's: %s", firstEvents, secondEvents)
                    .containsExactlyInAnyOrderElementsOf(held(secondEvents).keySet());
        } finally {
            if (committing != null) {
                committing.dispose();
            }
            firstReading.dispose();
            first.close();
            if (second != null) {
                secondReading.dispose();
                second.close();
            }
        }
    }

    private static ProcessingLog.Connection connect(ClientSettings settings) {
        RecordMapping mapping = new RecordMapping(JsonMapper.builder().build(), () -> Long.MAX_VALUE);
        return new KafkaProcessingLog(settings, mapping, new PartitionOwnership(PARTITIONS, Clock.systemUTC()), "",
                new SimpleMeterRegistry(), () -> { })
                .connect();
    }

    /** The partitions a connection holds as of its events, each with its assignment's epoch. */
    private static Map<Integer, Long> held(List<LogEvent> events) {
        Map<Integer, Long> held = new HashMap<>();
        for (LogEvent event : events) {
            if (event instanceof LogEvent.Assigned) {
                held.put(event.partition(), event.epoch());
            } else if (event instanceof LogEvent.Revoked) {
                held.remove(event.partition());
            }
        }
        return held;
    }

    /** A transaction that commits each partition's position at its start, and writes nothing. */
    private static Transaction offsetsOf(Map<Integer, Long> held) {
        return new Transaction(held.entrySet().stream()
                .map(partition -> new Transaction.PartitionOutcome(partition.getKey(), partition.getValue(), List.of(),
                        Map.of(), Set.of(), List.of(), 0))
                .toList());
    }
}
