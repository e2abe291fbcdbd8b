package io.streamgate.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices commands that the topic's retention deleted before the processors' group read them, which Kafka's consumer
 * passes over in silence: a group whose position is no longer in the log goes on from its oldest record
 * ({@code auto.offset.reset}), and says so only at INFO. Each is logged at WARN and counted.
 *
 * <p>Only gateways write the requests topic, and not in transactions, so its offsets have no holes of their own (no
 * transaction markers, and compaction is refused at start-up): a partition's records follow each other, from the
 * group's committed position on, unless some were deleted. Called on the consumer's thread after each poll.
 */
final class DeletedRequestsCheck {

    private static final Logger log = LoggerFactory.getLogger(DeletedRequestsCheck.class);
    /** How long the consumer's thread may wait for the group's positions, once per assignment. */
    private static final Duration COMMITTED_TIMEOUT = Duration.ofSeconds(5);

    /** Where a partition's next record should be, within the assignment (epoch) that read the last one. */
    private record Next(long epoch, long offset) {
    }

    private final Counter deleted;
    private final Map<Integer, Next> next = new HashMap<>();

    /** @param deleted counts the commands deleted before they were read */
    DeletedRequestsCheck(Counter deleted) {
        this.deleted = deleted;
    }

    /**
     * @param consumer the processors' consumer, to ask the group's committed position where an assignment begins
     * @param records  what its last poll returned
     * @param owned    the epoch of each partition it owns, after that poll
     */
    void check(Consumer<?, ?> consumer, ConsumerRecords<?, ?> records, Map<Integer, Long> owned) {
        next.keySet().retainAll(owned.keySet());
        Set<TopicPartition> newlyRead = new HashSet<>();
        for (TopicPartition partition : records.partitions()) {
            Next expected = next.get(partition.partition());
            if (expected == null || expected.epoch() != owned.getOrDefault(partition.partition(), -1L)) {
                newlyRead.add(partition);
            }
        }
        Map<TopicPartition, Long> committed = committed(consumer, newlyRead);
        for (TopicPartition partition : records.partitions()) {
            List<? extends ConsumerRecord<?, ?>> fetched = records.records(partition);
            Long from = newlyRead.contains(partition) ? committed.get(partition)
                    : Long.valueOf(next.get(partition.partition()).offset());
            long first = fetched.get(0).offset();
            if (from != null && first > from) {
                deleted.increment(first - from);
                log.warn("{} commands of {} (offsets {} to {}) were deleted before the processors read them: the "
                                + "topic's retention is shorter than they were down or behind, and the streams they "
                                + "were for will miss them (their starts, chunks or ends)",
                        first - from, partition, from, first - 1);
            }
            next.put(partition.partition(), new Next(owned.getOrDefault(partition.partition(), -1L),
                    fetched.get(fetched.size() - 1).offset() + 1));
        }
    }

    /**
     * The group's committed position in each partition, one request for all; none for a partition the group has
     * not committed in (a new group), nor for any when it cannot be had in {@link #COMMITTED_TIMEOUT}. Never throws:
     * the poll whose records are checked has moved the consumer's position past them, and would lose them.
     */
    private static Map<TopicPartition, Long> committed(Consumer<?, ?> consumer, Set<TopicPartition> partitions) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        if (partitions.isEmpty()) {
            return positions;
        }
        try {
            consumer.committed(partitions, COMMITTED_TIMEOUT).forEach((partition, committed) -> {
                if (committed != null) {
                    positions.put(partition, committed.offset());
                }
            });
        } catch (WakeupException wakeup) {
            consumer.wakeup(); // meant for the consumer's next poll (reactor-kafka's), which gets it so
        } catch (KafkaException unknown) { // an InterruptException leaves the thread interrupted for the next poll
            log.info("Not checking {} for deleted commands: the group's positions could not be had ({})", partitions,
                    unknown.toString());
        }
        return positions;
    }
}
