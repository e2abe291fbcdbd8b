package io.streamgate.processing.engine;

import java.util.Map;

/**
 * What the engine keeps durable of one stream, in the state log beside its results and in the same transactions:
 * enough for any processor that takes the stream's partition over to go on exactly where the results readers have
 * stop, and to skip what they already have.
 *
 * @param startId     the start that opened the stream (a different start of an open stream is refused)
 * @param processor   its processor's name
 * @param options     its processor's options
 * @param state       its processor's state after the last completed step
 * @param doneThrough the position of the last command completed (replayed commands at or before it are skipped)
 * @param progress    the step under way when this was stored, and how many of its outputs readers already have; null
 *                    between steps
 * @param timerDueAt  when the stream's timer fires (epoch milliseconds), 0 when none is set
 * @param ended       the stream has ended; kept until the log's committed position has passed its end, then forgotten
 */
public record StoredStream(String startId, String processor, Map<String, String> options, Map<String, String> state,
                           long doneThrough, Progress progress, long timerDueAt, boolean ended) {

    public StoredStream {
        options = options == null ? Map.of() : Map.copyOf(options);
        state = state == null ? Map.of() : Map.copyOf(state);
    }

    /**
     * A step under way.
     *
     * @param step    {@code start}, {@code chunk}, {@code end} or {@code timer}
     * @param seq     the command's position, or the timer's due time
     * @param emitted outputs of it that are already in the results log
     */
    public record Progress(String step, long seq, int emitted) {
    }

    boolean isOpen() {
        return !ended && startId != null;
    }

    StoredStream withProgress(Progress progress) {
        return new StoredStream(startId, processor, options, state, doneThrough, progress, timerDueAt, ended);
    }

    StoredStream withDoneThrough(long position) {
        return new StoredStream(startId, processor, options, state, Math.max(doneThrough, position), null, timerDueAt,
                ended);
    }
}
