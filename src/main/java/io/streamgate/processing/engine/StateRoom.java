package io.streamgate.processing.engine;

import java.util.Map;

import io.streamgate.processing.ProcessingFailure;

/**
 * The heap a processor's streams' states take, all its partitions together, and its bound
 * ({@code streamgate.processing.max-state-bytes}). A step whose state would take the processor past it fails as a
 * processor's failure does (retried, then dead-lettered, the stream going on from the state before it). Unbounded,
 * the states of the streams a processor owns outgrew its heap: it ran out of memory, and so did every processor that
 * took its partitions over, each restoring the same states whole (BENCHMARKS.md section 113).
 *
 * <p>A state is counted at most ({@link #bytesOf}): two bytes a character, as the heap holds a string with any
 * character past Latin-1, and a map entry's objects. States restored are counted as they come, never refused: a
 * processor that takes over another's partitions may hold more than its bound, and its streams' states grow again
 * only once it holds less. Changed only on the coordinator's thread; read by the metrics too.
 */
final class StateRoom {

    /** A state entry's objects besides its characters: a map node, two strings and their arrays. */
    private static final long ENTRY_BYTES = 128;

    private final long maxBytes;
    private volatile long held;

    StateRoom(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The heap the states held take, as counted. */
    long held() {
        return held;
    }

    /**
     * Refuses a step that would leave its stream with a state of {@code after} bytes in place of one of
     * {@code before}, when that takes the processor past its bound; a state that shrinks, or stays as it was, fits.
     */
    void check(long before, long after) {
        long growth = after - before;
        if (growth > 0 && held + growth > maxBytes) {
            throw new ProcessingFailure("the stream's state would take the processor's streams' states to "
                    + (held + growth) + " bytes, more than the " + maxBytes + " they may take (max-state-bytes)");
        }
    }

    /** A stream's state now takes {@code after} bytes where it took {@code before}. */
    void changed(long before, long after) {
        held += after - before;
    }

    /** What a stream's state takes of the heap, at most; 0 for a stream not yet stored. */
    static long bytesOf(StoredStream stored) {
        if (stored == null) {
            return 0;
        }
        long bytes = 0;
        for (Map.Entry<String, String> entry : stored.state().entrySet()) {
            bytes += ENTRY_BYTES + 2L * (entry.getKey().length() + entry.getValue().length());
        }
        return bytes;
    }
}
