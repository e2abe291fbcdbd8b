package io.streamgate.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} events of one stream, in order, addressed by absolute position (0 for the stream's
 * first event). Readers keep only a position into it, so a reader costs no buffer of its own, and a slow reader
 * that falls more than {@code capacity} behind is told about the gap instead of growing memory.
 *
 * <p>One writer (the results feed) and many readers; every method holds the monitor only for a few array reads.
 */
final class ResultLog {

    /** Returned by {@link #at(long)} for a position that has been overwritten. */
    static final ResultEvent EVICTED = new ResultEvent(ResultEvent.Kind.GAP, ResultEvent.NO_ID, "{}");

    private final ResultEvent[] ring;
    private long end;

    ResultLog(int capacity) {
        this.ring = new ResultEvent[capacity];
    }

    synchronized void append(ResultEvent event) {
        ring[slot(end)] = event;
        end++;
    }

    /** The event at {@code position}, {@code null} if it does not exist yet, {@link #EVICTED} if it is gone. */
    synchronized ResultEvent at(long position) {
        if (position >= end) {
            return null;
        }
        return position < start() ? EVICTED : ring[slot(position)];
    }

    /** The position of the oldest event still held. */
    synchronized long start() {
        return Math.max(0, end - ring.length);
    }

    /** The position the next event will take. */
    synchronized long end() {
        return end;
    }

    /** The id of the newest event, or {@link ResultEvent#NO_ID} when there is none. */
    synchronized long lastId() {
        return end == 0 ? ResultEvent.NO_ID : ring[slot(end - 1)].id();
    }

    /** The position just after the event with {@code id}, or -1 when no held event has that id. */
    synchronized long positionAfter(long id) {
        long low = start();
        long high = end - 1;
        while (low <= high) {
            long mid = (low + high) >>> 1;
            long midId = ring[slot(mid)].id();
            if (midId < id) {
                low = mid + 1;
            } else if (midId > id) {
                high = mid - 1;
            } else {
                return mid + 1;
            }
        }
        return -1;
    }

    synchronized List<ResultEvent> snapshot() {
        List<ResultEvent> events = new ArrayList<>((int) (end - start()));
        for (long position = start(); position < end; position++) {
            events.add(ring[slot(position)]);
        }
        return events;
    }

    private int slot(long position) {
        return (int) (position % ring.length);
    }
}
