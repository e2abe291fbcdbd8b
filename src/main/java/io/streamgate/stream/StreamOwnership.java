package io.streamgate.stream;

/**
 * Whether this instance is the one responsible for a stream's own duties (ending it when it idles). In a cluster
 * exactly one instance owns each stream at a time: the processor that consumes the stream's partition.
 */
@FunctionalInterface
public interface StreamOwnership {

    boolean owns(StreamKey key);

    /**
     * Since when this instance owns the stream, for idleness to count from at the earliest: a new owner (a restart, a
     * rebalance) has not seen the commands its predecessor read. By default, always.
     */
    default long ownedSinceMillis(StreamKey key) {
        return Long.MIN_VALUE;
    }

    /** An instance without the processor role: it serves streams but owns none. */
    static StreamOwnership none() {
        return key -> false;
    }
}
