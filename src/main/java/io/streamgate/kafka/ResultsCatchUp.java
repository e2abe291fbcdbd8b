package io.streamgate.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.streamgate.stream.ResultsNotCurrentException;
import io.streamgate.stream.ResultsVisibility;
import io.streamgate.stream.StreamKey;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Catches this instance's results feed up with the results log before a stream is declared unknown: asks the
 * broker for the partition's end (its high watermark: everything the log holds now), then waits, briefly, until the
 * feed has read that far. The end, not the last stable offset: a {@code STARTED} a gateway wrote beside its start
 * (an announced start) is durable when that start is answered, but a processor's transaction under way before it holds
 * it back from {@code read_committed} readers, so the feed reaches it only once that transaction is decided. When
 * that cannot be confirmed in time (broker unreachable, feed still replaying, a dead processor's transaction not yet
 * aborted) the request fails retryably rather than answering a 404 that may be false.
 *
 * <p>Both questions are {@link SharedLookup shared} among the requests asking at the same moment: a burst of
 * requests for streams this instance does not know (a thousand starts with client-chosen ids at once in the end-to-end
 * simulation, when starts still caught up first) once made a thousand offset lookups and a thousand position checks
 * every 10 ms on the feed's one consumer thread, which then fell behind the very log it was asked to catch up with,
 * and most of the burst timed out.
 */
final class ResultsCatchUp implements ResultsVisibility {

    private static final Duration CHECK_EVERY = Duration.ofMillis(10);

    private final ResultsFeed feed;
    private final List<TopicPartition> partitions;
    private final SharedLookup<Map<TopicPartition, Long>> endOffsets;
    private final SharedLookup<Map<TopicPartition, Long>> feedPositions;
    private final Duration timeout;

    ResultsCatchUp(Admin admin, ResultsFeed feed, List<TopicPartition> resultPartitions, Duration timeout) {
        this.feed = feed;
        this.partitions = resultPartitions.stream()
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList();
        this.endOffsets = new SharedLookup<>(() -> endOffsets(admin, partitions));
        this.feedPositions = new SharedLookup<>(feed::positions);
        this.timeout = timeout;
    }

    @Override
    public Mono<Void> awaitCurrent(StreamKey key) {
        TopicPartition partition = partitions.get(KeyPartitioner.partitionOf(key.value(), partitions.size()));
        return endOffsets.next()
                .map(offsets -> offsets.get(partition))
                .flatMap(end -> feedReached(partition, end))
                .timeout(timeout)
                // Kafka unreachable or the feed behind: what this instance knows may be stale, so no answer from it.
                .onErrorMap(e -> new ResultsNotCurrentException(
                        "This gateway could not catch up with the results log in time; retry", e))
                // The answers arrive on Kafka's client threads; the request goes on elsewhere.
                .publishOn(Schedulers.parallel());
    }

    @Override
    public boolean replayed() {
        return feed.caughtUp();
    }

    @Override
    public Mono<Void> awaitReplayed() {
        return feed.awaitCaughtUp().publishOn(Schedulers.parallel()); // signalled on the feed's consumer thread
    }

    private Mono<Void> feedReached(TopicPartition partition, long offset) {
        return feedPositions.next()
                .filter(positions -> positions.getOrDefault(partition, -1L) >= offset)
                .repeatWhenEmpty(attempts -> attempts.delayElements(CHECK_EVERY))
                .then();
    }

    private static Mono<Map<TopicPartition, Long>> endOffsets(Admin admin, List<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> latest = partitions.stream()
                .collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest()));
        return Mono.fromFuture(() -> admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                        .all().toCompletionStage().toCompletableFuture(), true)
                .map(offsets -> offsets.entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().offset())));
    }
}
