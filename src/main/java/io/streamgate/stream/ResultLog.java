package io.streamgate.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The most recent events of one stream, in order, addressed by absolute position (0 for the stream's first event),
 * bounded in count, in the bytes readers get and in the heap it takes: the oldest go first when any bound is passed
 * (the newest is always kept). The heap bound may change while the log lives (an open stream's share of the
 * {@link HistoryBudget}).
 * Readers keep only a position into it, so a reader costs no buffer of its own, and a slow reader that falls behind
 * what is held is told about the gap instead of growing memory.
 *
 * <p>One writer (the results feed) and many readers; every method holds the monitor only for a few array reads (and
 * a copy of what is held, for {@link #snapshot} and {@link #eventsAfter}; a gap notice's encoding, for a reader that
 * missed events).
 */
final class ResultLog {

    /** Returned by {@link #at(long)} for a position that has been overwritten. */
    static final ResultEvent EVICTED = new ResultEvent(ResultEvent.Kind.GAP, ResultEvent.NO_ID, "{}");

    /** Slots a new log starts with: most streams are short, and a full-size ring per stream cost 40 KB each. */
    private static final int INITIAL_SLOTS = 16;

    /**
     * What holding an event costs in the heap besides its text: the event, its string's and array's headers, its slot
     * in the ring (BENCHMARKS.md section 64, from a class histogram; a 64-bit JVM with compressed references). For
     * results of 20 bytes it is four fifths of what they hold.
     */
    static final int HELD_BYTES_PER_EVENT = 88;

    private ResultEvent[] ring;
    private final int capacity;
    private final long maxBytes;
    private final LongSupplier maxHeldBytes;
    private long start;
    private long end;
    private long bytes;

    /**
     * @param capacity the most events held
     * @param maxBytes the most bytes of event data held (UTF-8, as readers get it)
     */
    ResultLog(int capacity, long maxBytes) {
        this(capacity, maxBytes, () -> Long.MAX_VALUE);
    }

    /**
     * @param capacity     the most events held
     * @param maxBytes     the most bytes of event data held (UTF-8, as readers get it)
     * @param maxHeldBytes the most heap the held events take ({@link #heldBytes()}), asked at every append and trim
     */
    ResultLog(int capacity, long maxBytes, LongSupplier maxHeldBytes) {
        this.capacity = capacity;
        this.ring = new ResultEvent[Math.min(capacity, INITIAL_SLOTS)];
        this.maxBytes = maxBytes;
        this.maxHeldBytes = maxHeldBytes;
    }

    synchronized void append(ResultEvent event) {
        long size = event.bytes();
        long maxHeld = maxHeldBytes.getAsLong();
        while (end > start && (end - start >= capacity || bytes + size > maxBytes
                || heldBytes() + HELD_BYTES_PER_EVENT + size > maxHeld)) {
            evictOldest();
        }
        if (end - start == ring.length) {
            grow();
        }
        ring[slot(end)] = event;
        end++;
        bytes += size;
    }

    /** Evicts the oldest events beyond the heap bound as it is now (it may have shrunk since the last append). */
    synchronized void trim() {
        long maxHeld = maxHeldBytes.getAsLong();
        while (end - start > 1 && heldBytes() > maxHeld) {
            evictOldest();
        }
    }

    private void evictOldest() {
        bytes -= ring[slot(start)].bytes();
        ring[slot(start)] = null;
        start++;
    }

    /** Bytes of event data held (UTF-8). */
    synchronized long bytes() {
        return bytes;
    }

    /** The heap the held events take, estimated: their text and {@link #HELD_BYTES_PER_EVENT} each. */
    synchronized long heldBytes() {
        return bytes + HELD_BYTES_PER_EVENT * (end - start);
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
        return start;
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
        long low = start;
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

    /**
     * Where a reader whose last event was {@code lastEventId} ({@link ResultEvent#NO_ID} for none) goes on: the
     * position after that event, or the oldest held one when the id is not held; then, or when events before the
     * oldest held were dropped, with a {@code gap} notice saying where it resumes.
     */
    synchronized Resume resume(long lastEventId) {
        if (lastEventId != ResultEvent.NO_ID) {
            long after = positionAfter(lastEventId);
            if (after >= 0) {
                return new Resume(after, null);
            }
        } else if (start == 0) {
            return new Resume(start, null);
        }
        return new Resume(start, Notices.gap(lastEventId, end > start ? ring[slot(start)].id() : ResultEvent.NO_ID));
    }

    /** A reader's place to go on from ({@link #resume}), and the gap notice it gets first, or null. */
    record Resume(long position, ResultEvent gap) {
    }

    /** What a reader whose last event was {@code lastEventId} gets of the events held now: {@link #resume}'s. */
    synchronized List<ResultEvent> eventsAfter(long lastEventId) {
        Resume resume = resume(lastEventId);
        List<ResultEvent> events = new ArrayList<>((int) (end - resume.position()) + 1);
        if (resume.gap() != null) {
            events.add(resume.gap());
        }
        for (long position = resume.position(); position < end; position++) {
            events.add(ring[slot(position)]);
        }
        return events;
    }

    /** The events held, oldest first. */
    synchronized List<ResultEvent> snapshot() {
        List<ResultEvent> events = new ArrayList<>((int) (end - start));
        for (long position = start; position < end; position++) {
            events.add(ring[slot(position)]);
        }
        return events;
    }

    /** Doubles the ring, up to the capacity, keeping every held event at its position. */
    private void grow() {
        ResultEvent[] larger = new ResultEvent[(int) Math.min(capacity, 2L * ring.length)];
        for (long position = start; position < end; position++) {
            larger[(int) (position % larger.length)] = ring[slot(position)];
        }
        ring = larger;
    }

    private int slot(long position) {
        return (int) (position % ring.length);
    }
}
