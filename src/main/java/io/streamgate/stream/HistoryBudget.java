package io.streamgate.stream;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bytes of result history each open stream may hold: its own bound ({@code history-size}) or an equal share of
 * what all open streams may hold together ({@code history-budget}), whichever is smaller. A bound per stream alone
 * lets memory grow with the number of open streams: 1,000 open streams at 4 MB each would ask for 4 GB of heap.
 *
 * <p>The share shrinks as streams open: a stream's next append keeps it within the new share, and
 * {@link StreamExpiry}'s sweep trims the quiet ones, so the budget holds within one sweep.
 */
final class HistoryBudget {

    private final long perStream;
    private final long total;
    private final AtomicInteger open = new AtomicInteger();

    /**
     * @param perStream the most bytes (UTF-8) one stream may hold
     * @param total     the most bytes (UTF-8) all open streams may hold together
     */
    HistoryBudget(long perStream, long total) {
        this.perStream = perStream;
        this.total = total;
    }

    /** What each open stream may hold now. */
    long bytesPerStream() {
        return Math.min(perStream, total / Math.max(1, open.get()));
    }

    void opened() {
        open.incrementAndGet();
    }

    void closed() {
        open.decrementAndGet();
    }
}
