package io.streamgate.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.streamgate.stream.ResultsNotCurrentException;
import io.streamgate.stream.ResultsVisibility;
import io.streamgate.stream.StreamKey;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import reactor.core.publisher.Mono;

/**
 * Catches this instance's results feed up with the results log before a stream is declared unknown: asks the
 * broker for the partition's last stable offset (what committed transactions hold now), then waits, briefly, until
 * the feed has read that far. One round trip to the broker and usually no wait at all. When that cannot be confirmed
 * in time (broker unreachable, feed still replaying) the request fails retryably rather than answering a 404 that may
 * be false.
 */
final class ResultsCatchUp implements ResultsVisibility {

    private static final Duration CHECK_EVERY = Duration.ofMillis(10);

    private final Admin admin;
    private final ResultsFeed feed;
    private final List<TopicPartition> partitions;
    private final Duration timeout;

    ResultsCatchUp(Admin admin, ResultsFeed feed, List<TopicPartition> resultPartitions, Duration timeout) {
        this.admin = admin;
        this.feed = feed;
        this.partitions = resultPartitions.stream()
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList();
        this.timeout = timeout;
    }

    @Override
    public Mono<Void> awaitCurrent(StreamKey key) {
        TopicPartition partition = partitions.get(KeyPartitioner.partitionOf(key.value(), partitions.size()));
        return Mono.fromFuture(() -> admin.listOffsets(Map.of(partition, OffsetSpec.latest()),
                                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                        .partitionResult(partition).toCompletionStage().toCompletableFuture(), true)
                .flatMap(stable -> feed.reached(partition, stable.offset())
                        .filter(Boolean::booleanValue)
                        .repeatWhenEmpty(attempts -> attempts.delayElements(CHECK_EVERY)))
                .timeout(timeout)
                // Kafka unreachable or the feed behind: what this instance knows may be stale, so no answer from it.
                .onErrorMap(e -> new ResultsNotCurrentException(
                        "This gateway could not catch up with the results log in time; retry", e))
                .then();
    }
}
