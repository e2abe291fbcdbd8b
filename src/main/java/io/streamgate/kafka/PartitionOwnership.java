package io.streamgate.kafka;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.streamgate.stream.StreamKey;
import io.streamgate.stream.StreamOwnership;

/**
 * The streams of the requests-topic partitions this instance's processor is assigned right now: the group
 * coordinator gives each partition to exactly one processor, so each stream has exactly one owner. The partition of
 * a stream is computed as the producer computes it for its key (murmur2 of the key's bytes).
 */
final class PartitionOwnership implements StreamOwnership {

    private final int partitionCount;
    private final Clock clock;
    /** The partitions assigned, each with when it was. */
    private final Map<Integer, Long> assigned = new ConcurrentHashMap<>();

    PartitionOwnership(int partitionCount, Clock clock) {
        this.partitionCount = partitionCount;
        this.clock = clock;
    }

    @Override
    public boolean owns(StreamKey key) {
        return assigned.containsKey(partitionOf(key));
    }

    @Override
    public long ownedSinceMillis(StreamKey key) {
        return assigned.getOrDefault(partitionOf(key), Long.MAX_VALUE);
    }

    /**
     * Whether streams sit in {@code partition} of the requests topic: not in one added to the topic after this instance
     * started, since producers keep to the count they started with ({@link StartCountPartitioner}).
     */
    boolean holdsStreams(int partition) {
        return partition < partitionCount;
    }

    int partitionOf(StreamKey key) {
        return KeyPartitioner.partitionOf(key.value(), partitionCount);
    }

    void assigned(Collection<Integer> partitions) {
        long now = clock.millis();
        partitions.forEach(partition -> assigned.putIfAbsent(partition, now));
    }

    void revoked(Collection<Integer> partitions) {
        partitions.forEach(assigned::remove);
    }

    List<Integer> all() {
        return List.copyOf(assigned.keySet());
    }
}
