package io.streamgate.processing.engine;

import java.util.TreeSet;

/**
 * Which commands of a partition are done, when streams finish them out of order: the log may be committed only up to
 * the first one that is not, so that a successor redoes it (and skips, by the streams' stored positions, what is done
 * beyond it).
 */
final class OffsetTracker {

    private final TreeSet<Long> unfinished = new TreeSet<>();
    private long next = -1;

    /** A command was read; positions arrive in increasing order. */
    void received(long offset) {
        unfinished.add(offset);
        next = offset + 1;
    }

    void done(long offset) {
        unfinished.remove(offset);
    }

    /** Whether a position was read by this assignment already (a late duplicate is passed over). */
    boolean alreadyReceived(long offset) {
        return offset < next;
    }

    /** The position a successor would read from: every command before it is done. -1 before the first is read. */
    long committable() {
        return unfinished.isEmpty() ? next : unfinished.first();
    }

    int unfinished() {
        return unfinished.size();
    }
}
