package io.streamgate.stream;

import java.util.Collections;
import java.util.List;

/**
 * The command log took some of a batch's commands and not others (Kafka answers each record on its own: one it
 * refuses as too large, or a broker lost between two of a batch's producer batches, leaves the rest stored). The
 * batch is not all or nothing then, and its client must not be told nothing was stored: resending it whole would
 * store again what was stored.
 *
 * @see #positions()
 */
public final class PartlyStoredException extends RuntimeException {

    private final List<Long> positions;
    private final RuntimeException failure;

    /**
     * @param positions each command's position in its stream's partition, in the batch's order; {@code null} for one
     *                  the log did not take
     * @param failure   why the others were not taken ({@link CommandLogUnavailableException} or
     *                  {@link CommandTooLargeException}), as a failure of the whole batch would have said it
     */
    public PartlyStoredException(List<Long> positions, RuntimeException failure) {
        super(failure.getMessage(), failure);
        this.positions = Collections.unmodifiableList(positions);
        this.failure = failure;
    }

    /** Each command's position in the batch's order, {@code null} for one not stored. */
    public List<Long> positions() {
        return positions;
    }

    /** Why the commands without a position were not stored. */
    public RuntimeException failure() {
        return failure;
    }

    /** How many of the batch's commands the log holds. */
    public int storedCount() {
        return (int) positions.stream().filter(position -> position != null).count();
    }
}
