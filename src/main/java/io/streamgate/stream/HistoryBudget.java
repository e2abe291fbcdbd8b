package io.streamgate.stream;

import java.util.function.IntSupplier;

/**
 * The heap each open stream's result history may take: an equal share of what all open streams may take together
 * ({@code history-budget}). A bound per stream alone ({@code history-size}, {@code history-limit}) lets memory grow
 * with the number of open streams: 1,000 open streams at 4 MB each would ask for 4 GB of heap. The share counts what
 * a history holds ({@link ResultLog#heldBytes()}), not only its text: counted by text, 1,000 streams of 10,000 results
 * of 20 bytes each kept 1 GB under a budget of 256 MB.
 *
 * <p>The share shrinks as streams open: a stream's next append keeps it within the new share, and
 * {@link StreamExpiry}'s sweep trims the quiet ones, so the budget holds within one sweep.
 *
 * <p>The open streams' remembered Idempotency-Keys, the history of their sends, share a budget of their own the same
 * way ({@code idempotency-budget}, {@link IdempotencyKeys#heldBytes()}), divided among the open streams that remember
 * any: most clients send no keys, and 10,000 open streams of which 100 do would otherwise leave those 100 a hundredth
 * of it.
 */
final class HistoryBudget {

    private final long total;
    private final IntSupplier sharers;

    /**
     * @param total   the most heap all open streams' histories may take together
     * @param sharers how many open streams share it now
     */
    HistoryBudget(long total, IntSupplier sharers) {
        this.total = total;
        this.sharers = sharers;
    }

    /** What each stream sharing it may take now. */
    long heldBytesPerStream() {
        return total / Math.max(1, sharers.getAsInt());
    }
}
