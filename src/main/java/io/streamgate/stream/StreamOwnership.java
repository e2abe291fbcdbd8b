package io.streamgate.stream;

/**
 * Whether this instance is the one responsible for a stream's own duties (ending it when it idles). In a cluster
 * exactly one instance owns each stream at a time: the processor that consumes the stream's partition.
 */
@FunctionalInterface
public interface StreamOwnership {

    boolean owns(StreamKey key);

    /** An instance without the processor role: it serves streams but owns none. */
    static StreamOwnership none() {
        return key -> false;
    }
}
