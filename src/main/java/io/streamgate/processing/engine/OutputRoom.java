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
 * waiting may need, is never held; and its processor makes outputs ahead of those taken, 16 if they are small, else
 * one. So each attempt under way holds room for those, each as large as its processor's last output here (half the
 * room until its processor has made one here, nothing once it has done a step without any), and an attempt begins
 * only where that fits beside the results and what the others hold, or where nothing is held at all. Without that,
 * each of twenty steps whose outputs were a megabyte took its first and had more made, whatever the room, and ran a
 * processor on 256 MB out of memory (section 115). Used on the coordinator's thread only.
 */
final class OutputRoom {

    /**
     * How many outputs an attempt's processor may make ahead when 16 of them take at most a 64th of the room: one at a
     * time, a step of 500,000 small results took a sixth longer (section 115); ahead of a queue of 16, Reactor's
     * default of 256 was allocated for every step, about 4% of all the gateway allocated at 10,000 chunks/s.
     */
    static final int SMALL_OUTPUTS_AHEAD = 16;

    private final long maxBytes;
    private final Outcomes outcomes;
    /** What the attempts under way hold, each for the outputs its processor may make ahead. */
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
     * Whether {@code run} may begin an attempt now, holding room for the outputs its processor may make ahead; if not,
     * it begins once there is room ({@link StepRun#resume}).
     */
    boolean begin(StepRun run) {
        if (beginIfItFits(run)) {
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

    /** {@code run}'s processor made an output counted at {@code bytes}: it now holds room for those ahead as large. */
    void took(StepRun run, long bytes) {
        long before = run.roomHeld;
        hold(run, bytes * run.outputsAhead);
        lastOutputs.put(run.processor, bytes);
        if (run.roomHeld < before) {
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

    /** Results were written, or room held was given back: those waiting go on or begin, as far as it goes. */
    void freed() {
        while (!goingOn.isEmpty() && outcomes.resultBytes() < maxBytes) {
            goingOn.poll().resume();
        }
        while (!beginning.isEmpty()) {
            StepRun run = beginning.peek();
            if (run.stopped()) {
                beginning.poll(); // cancelled while it waited: holds nothing, begins nothing
                continue;
            }
            if (!beginIfItFits(run)) {
                return;
            }
            beginning.poll();
            run.resume();
        }
    }

    /** The incarnation stops: none of its runs waiting begins or goes on (each is cancelled, gives its room back). */
    void clear() {
        goingOn.clear();
        beginning.clear();
    }

    /**
     * Whether room for the outputs {@code run}'s processor may make ahead fits; if so, {@code run} holds it, and its
     * attempt may have that many made ahead and no more.
     */
    private boolean beginIfItFits(StepRun run) {
        long next = nextOutputOf(run);
        int ahead = next * SMALL_OUTPUTS_AHEAD <= maxBytes / 64 ? SMALL_OUTPUTS_AHEAD : 1;
        if (!fits(next * ahead)) {
            return false;
        }
        run.outputsAhead = ahead;
        hold(run, next * ahead);
        return true;
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
