package io.streamgate.processing.engine;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Room for the results steps make until their transaction commits ({@code max-pending-bytes}, counted apart from the
 * commands read): a step takes its outputs one at a time ({@link StepRun}), and past the room it waits for a commit
 * before it takes more. Without it a step's outputs were taken as fast as its processor made them, and all waited in
 * memory for the next transaction: {@code split} made 500,000 results of a 1 MB chunk of one-letter words, and a
 * processor on 256 MB ran out of memory on its first chunks (BENCHMARKS.md section 114). Each attempt takes its first
 * output whatever the room, so that a start's confirmation, which the results waiting may need, is never held: so the
 * room is exceeded by at most one output a step under way (section 115).
 * Used on the coordinator's thread only.
 */
final class OutputRoom {

    private final long maxBytes;
    private final Outcomes outcomes;
    /** Runs waiting for room, in the order they came. */
    private final Deque<StepRun> waiting = new ArrayDeque<>();

    OutputRoom(long maxBytes, Outcomes outcomes) {
        this.maxBytes = maxBytes;
        this.outcomes = outcomes;
    }

    /** Whether {@code run} may take more outputs now; if not, it is resumed once there is room ({@link #freed}). */
    boolean take(StepRun run) {
        if (hasRoom()) {
            return true;
        }
        waiting.add(run);
        return false;
    }

    /** A transaction committed: runs waiting take more outputs, as far as the room goes. */
    void freed() {
        while (!waiting.isEmpty() && hasRoom()) {
            waiting.poll().resume();
        }
    }

    /** The incarnation stops: its runs are cancelled. */
    void clear() {
        waiting.clear();
    }

    private boolean hasRoom() {
        return outcomes.resultBytes() < maxBytes;
    }
}
