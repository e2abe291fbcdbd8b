package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The offsets of each poll's records against where the group's reading stood: Kafka's consumer is a stand-in. */
class DeletedRequestsCheckTest {

    private static final TopicPartition PARTITION = new TopicPartition("requests", 0);

    private final Counter deleted = new SimpleMeterRegistry().counter("deleted");
    private final DeletedRequestsCheck check = new DeletedRequestsCheck(deleted);
    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");

    @BeforeEach
    void assign() {
        consumer.assign(List.of(PARTITION)); // the stand-in answers a commit of a partition not assigned as 0
    }

    @Test
    void shouldCountNothingWhileRecordsFollowEachOtherFromTheCommittedPosition() {
        consumer.commitSync(Map.of(PARTITION, new OffsetAndMetadata(10)));

        check.check(consumer, polled(10, 13), Map.of(0, 1L));
        check.check(consumer, polled(13, 14), Map.of(0, 1L));

        assertThat(deleted.count()).isZero();
    }

    @Test
    void shouldCountTheOffsetsPassedOverBetweenTheCommittedPositionAndAnAssignmentsFirstRecord() {
        consumer.commitSync(Map.of(PARTITION, new OffsetAndMetadata(10)));

        check.check(consumer, polled(25, 27), Map.of(0, 1L));

        assertThat(deleted.count()).as("offsets 10 to 24").isEqualTo(15);
    }

    @Test
    void shouldCountTheOffsetsPassedOverWithinAnAssignment() {
        consumer.commitSync(Map.of(PARTITION, new OffsetAndMetadata(10)));

        check.check(consumer, polled(10, 12), Map.of(0, 1L));
        check.check(consumer, polled(40, 41), Map.of(0, 1L)); // the position was deleted, and reset to the oldest

        assertThat(deleted.count()).as("offsets 12 to 39").isEqualTo(28);
    }

    /** A partition assigned again goes on from the group's commit, which others may have moved on meanwhile. */
    @Test
    void shouldTakeANewAssignmentFromTheCommittedPositionNotFromWhatWasReadBefore() {
        consumer.commitSync(Map.of(PARTITION, new OffsetAndMetadata(10)));
        check.check(consumer, polled(10, 14), Map.of(0, 1L));
        consumer.commitSync(Map.of(PARTITION, new OffsetAndMetadata(30))); // by the processor it was revoked for

        check.check(consumer, polled(30, 32), Map.of(0, 2L)); // revoked and assigned again within one poll

        assertThat(deleted.count()).isZero();
    }

    /** A new group starts at the oldest record held: what retention deleted before was never its to read. */
    @Test
    void shouldCountNothingForAGroupWithNoCommittedPosition() {
        check.check(consumer, polled(500, 501), Map.of(0, 1L));

        assertThat(deleted.count()).isZero();
    }

    /**
     * The group's position asked for takes a wakeup meant for reactor-kafka's next poll (its backpressure resumes
     * so): the check hands it on, and never throws from the poll, whose records would be lost.
     */
    @Test
    void shouldLeaveAWakeupItTookForTheNextPoll() {
        MockConsumer<String, byte[]> woken = answeringCommittedWith(new WakeupException());

        check.check(woken, polled(25, 27), Map.of(0, 1L));

        assertThatThrownBy(() -> woken.poll(Duration.ZERO)).isInstanceOf(WakeupException.class);
        assertThat(deleted.count()).as("not known").isZero();
    }

    @Test
    void shouldCheckNothingWhenTheGroupsPositionCannotBeHad() {
        MockConsumer<String, byte[]> unanswered = answeringCommittedWith(new TimeoutException("no coordinator"));

        check.check(unanswered, polled(25, 27), Map.of(0, 1L));
        check.check(unanswered, polled(30, 31), Map.of(0, 1L));

        assertThat(deleted.count()).as("only what is known: offsets 27 to 29").isEqualTo(3);
    }

    /** A consumer assigned the partition whose every question for the group's positions throws {@code failure}. */
    private static MockConsumer<String, byte[]> answeringCommittedWith(RuntimeException failure) {
        MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest") {
            @Override
            public synchronized Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions,
                                                                                 Duration timeout) {
                throw failure;
            }
        };
        consumer.assign(List.of(PARTITION));
        return consumer;
    }

    /** Records of the offsets {@code from} (inclusive) to {@code to} (exclusive) of the partition, in one poll. */
    private static ConsumerRecords<String, byte[]> polled(long from, long to) {
        List<ConsumerRecord<String, byte[]>> records = LongStream.range(from, to)
                .mapToObj(offset -> new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, "stream",
                        new byte[0]))
                .toList();
        return new ConsumerRecords<>(Map.of(PARTITION, records), Map.of());
    }
}
