package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;

import io.streamgate.stream.StreamId;
import io.streamgate.stream.StreamKey;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class PartitionOwnershipTest {

    @Test
    void shouldPlaceEachStreamInThePartitionTheProducerPicksForItsKey() {
        PartitionOwnership ownership = new PartitionOwnership(6, Clock.systemUTC());
        IntStream.range(0, 500).mapToObj(i -> new StreamKey("t" + (i % 7), new StreamId("stream-" + i))).forEach(key ->
                assertThat(ownership.partitionOf(key)).as(key.value()).isEqualTo(BuiltInPartitioner.partitionForKey(
                        key.value().getBytes(StandardCharsets.UTF_8), 6)));
    }

    @Test
    void shouldOwnExactlyTheStreamsOfItsAssignedPartitionsUntilTheyAreRevoked() {
        PartitionOwnership mine = new PartitionOwnership(4, Clock.systemUTC());
        PartitionOwnership theirs = new PartitionOwnership(4, Clock.systemUTC());
        mine.assigned(List.of(0, 1));
        theirs.assigned(List.of(2, 3));
        List<StreamKey> keys = IntStream.range(0, 100).mapToObj(i -> new StreamKey("t", new StreamId("s" + i))).toList();

        assertThat(keys).allMatch(key -> mine.owns(key) != theirs.owns(key), "owned by exactly one");
        assertThat(keys).anyMatch(mine::owns).anyMatch(theirs::owns);

        mine.revoked(List.of(0, 1));
        assertThat(keys).noneMatch(mine::owns);
    }

    /**
     * A new owner has not seen the commands its predecessor read: idleness counts from its assignment, at the earliest.
     */
    @Test
    void shouldOwnAStreamSinceItsPartitionWasLastAssigned() {
        Instant assignedAt = Instant.parse("2026-12-06T03:00:00Z");
        PartitionOwnership ownership = new PartitionOwnership(1, Clock.fixed(assignedAt, ZoneOffset.UTC));
        StreamKey key = new StreamKey("t", new StreamId("s"));
        assertThat(ownership.ownedSinceMillis(key)).as("not owned yet").isEqualTo(Long.MAX_VALUE);

        ownership.assigned(List.of(0));
        assertThat(ownership.ownedSinceMillis(key)).isEqualTo(assignedAt.toEpochMilli());

        ownership.revoked(List.of(0));
        assertThat(ownership.owns(key)).isFalse();
        assertThat(ownership.ownedSinceMillis(key)).as("revoked").isEqualTo(Long.MAX_VALUE);
    }

    /** Partitions added to the requests topic after start-up hold no stream: producers keep to the start's count. */
    @Test
    void shouldFindStreamsOnlyInThePartitionsTheTopicHadAtStartUp() {
        PartitionOwnership ownership = new PartitionOwnership(6, Clock.systemUTC());

        assertThat(IntStream.range(0, 12).filter(ownership::holdsStreams).boxed().toList())
                .as("the partitions of the 12 now that hold streams").containsExactly(0, 1, 2, 3, 4, 5);
    }
}
