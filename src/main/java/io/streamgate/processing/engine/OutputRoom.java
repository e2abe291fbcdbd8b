package io.streamgate.processing.engine;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Room for the results steps make until their transaction commits ({@code max-pending-bytes}, counted apart from the
 * commands read). Without it a step's outputs were taken as fast as its processor made them, and all waited in memory
 * for the next transaction: {@code split} made 500,000 results of a 1 MB chunk of one-letter words, and a processor on
 * 256 MB ran out of memory on its first chunks (BENCHMARKS.md section 114).
 *
 * <p>A step takes its outputs one at a time ({@link StepRun}), and past the room it waits for a commit before it takes
 * more. Each attempt takes its first output whatever the room, so that a start's confirmation, which the results
 * waiting may need, is never held; and its processor makes one output ahead of those taken. So each attempt under way
 * holds room for one output, as large as its processor's last here (half the room until its processor has made one
 * here, nothing once it has done a step without any), and an attempt begins only where that fits beside the results
 * and what the others hold, or where nothing is held at all. Without that, each of twenty steps whose outputs were a
 * megabyte took its first and had one more made, whatever the room, and ran a processor on 256 MB out of memory
 * (section 115). Used on the coordinator's thread only.
 */
final class OutputRoom {

    private final long maxBytes;
    private final Outcomes outcomes;
    /** What the attempts under way hold, each for its processor's next output. */
    private long held;
    /** By processor: how large its last output here was, as counted; 0 once it did a step without any. */
    private final Map<String, Long> lastOutputs = new HashMap<>();
    /** Attempts waiting for room to take their next output, in the order they came. */
    private final Deque<StepRun> goingOn = new ArrayDeque<>();
    /** Runs waiting for room to begin an attempt, in the order they came. */
    private final Deque<StepRun> beginning = new ArrayDeque<>();

    OutputRoom(long maxBytes, Outcomes outcomes) {
        this.maxBytes = maxBytes;
        this.outcomes = outcomes;
    }

    /**
     * Whether {@code run} may begin an attempt now, holding room for its processor's next output; if not, it begins
     * once there is room ({@link StepRun#resume}).
     */
    boolean begin(StepRun run) {
        long next = nextOutputOf(run);
        if (fits(next)) {
            hold(run, next);
            return true;
        }
        beginning.add(run);
        return false;
    }

    /** Whether {@code run} may take another output now; if not, it is resumed once there is room ({@link #freed}). */
    boolean take(StepRun run) {
        if (outcomes.resultBytes() < maxBytes) {
            return true;
        }
        goingOn.add(run);
        return false;
    }

    /** {@code run}'s processor made an output counted at {@code bytes}: the run now holds room for one as large. */
    void took(StepRun run, long bytes) {
        long before = run.roomHeld;
        hold(run, bytes);
        lastOutputs.put(run.processor, bytes);
        if (bytes < before) {
            freed();
        }
    }

    /**
     * {@code run}'s attempt ended, done ({@code completed}) or not: the room it held is free. A processor that did a
     * step without any output holds no room for its next ones until it makes one.
     */
    void ended(StepRun run, boolean completed) {
        if (completed) {
            lastOutputs.putIfAbsent(run.processor, 0L);
        }
        hold(run, 0);
        freed();
    }

    /** Results were written, or room held was given back: runs waiting take more outputs or begin, as far as it goes. */
    void freed() {
        while (!goingOn.isEmpty() && outcomes.resultBytes() < maxBytes) {
            goingOn.poll().resume();
        }
        while (!beginning.isEmpty() && fits(nextOutputOf(beginning.peek()))) {
            StepRun run = beginning.poll();
            if (!run.stopped()) {
                hold(run, nextOutputOf(run));
                run.resume();
            }
        }
    }

    /** The incarnation stops: none of its runs waiting begins or goes on (each is cancelled, and gives its room back). */
    void clear() {
        goingOn.clear();
        beginning.clear();
    }

    private long nextOutputOf(StepRun run) {
        Long last = lastOutputs.get(run.processor);
        return last != null ? last : maxBytes / 2;
    }

    private boolean fits(long bytes) {
        long used = outcomes.resultBytes() + held;
        return used == 0 || used + bytes <= maxBytes;
    }

    private void hold(StepRun run, long bytes) {
        held += bytes - run.roomHeld;
        run.roomHeld = bytes;
    }
}
