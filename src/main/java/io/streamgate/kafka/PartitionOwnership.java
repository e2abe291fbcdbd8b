package io.streamgate.kafka;

import java.util.Collection;
import java.util.List;
import java.util.Set;
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
    private final Set<Integer> assigned = ConcurrentHashMap.newKeySet();

    PartitionOwnership(int partitionCount) {
        this.partitionCount = partitionCount;
    }

    @Override
    public boolean owns(StreamKey key) {
        return assigned.contains(partitionOf(key));
    }

    int partitionOf(StreamKey key) {
        return KeyPartitioner.partitionOf(key.value(), partitionCount);
    }

    void assigned(Collection<Integer> partitions) {
        assigned.addAll(partitions);
    }

    void revoked(Collection<Integer> partitions) {
        assigned.removeAll(partitions);
    }

    List<Integer> all() {
        return List.copyOf(assigned);
    }
}
