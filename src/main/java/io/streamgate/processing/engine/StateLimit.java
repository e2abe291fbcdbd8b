package io.streamgate.processing.engine;

import java.util.Map;
import java.util.function.LongSupplier;

import io.streamgate.processing.ProcessingFailure;
import tools.jackson.databind.json.JsonMapper;

/**
 * The largest stream state the state log takes. A step whose processor leaves a larger one fails as a processor's
 * failure does (retried, then dead-lettered, the stream going on from the state before it): stored, it would make
 * Kafka refuse the transaction of every stream in the partition, each time the partition's work started over, and no
 * stream of it would get another result.
 */
final class StateLimit {

    /** What a stored state holds besides its strings, at most: positions, timer, progress, the members' names. */
    private static final int FIXED_BYTES = 512;
    /** The most a character of a string takes in JSON: a control character is escaped as {@code \u001F}. */
    private static final int MAX_BYTES_PER_CHAR = 6;
    /** What an entry of a map takes besides its strings' characters: their quotes, a colon and a comma. */
    private static final int ENTRY_BYTES = 6;
    /** The widest progress a stored state may carry (the longest label and numbers), as it does while a step runs. */
    private static final StoredStream.Progress WIDEST_PROGRESS = new StoredStream.Progress("chunk", Long.MIN_VALUE,
            Integer.MIN_VALUE);

    private final JsonMapper json;
    private final LongSupplier maxBytes;

    /** {@code maxBytes}: the largest record value the state log takes now (its key and framing aside). */
    StateLimit(JsonMapper json, LongSupplier maxBytes) {
        this.json = json;
        this.maxBytes = maxBytes;
    }

    /**
     * Refuses a state the log would not take, as it is stored after a step or while the next is under way. Most
     * states are a few counters, far under the limit by their length alone; only one that might not be is encoded,
     * as the log will encode it, to know.
     */
    void check(StoredStream stored) {
        long limit = maxBytes.getAsLong();
        if (upperBound(stored) <= limit) {
            return;
        }
        int bytes = json.writeValueAsBytes(stored.withProgress(WIDEST_PROGRESS)).length;
        if (bytes > limit) {
            throw new ProcessingFailure("the stream's state would take " + bytes + " bytes, more than the " + limit
                    + " the state log takes");
        }
    }

    private static long upperBound(StoredStream stored) {
        return FIXED_BYTES + upperBound(stored.startId()) + upperBound(stored.processor())
                + upperBound(stored.options()) + upperBound(stored.state());
    }

    private static long upperBound(Map<String, String> strings) {
        long bytes = 0;
        for (Map.Entry<String, String> entry : strings.entrySet()) {
            bytes += ENTRY_BYTES + upperBound(entry.getKey()) + upperBound(entry.getValue());
        }
        return bytes;
    }

    private static long upperBound(String string) {
        return string == null ? 0 : (long) MAX_BYTES_PER_CHAR * string.length();
    }
}
