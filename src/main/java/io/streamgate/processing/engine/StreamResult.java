package io.streamgate.processing.engine;

import java.util.Map;
import java.util.Objects;

import tools.jackson.databind.json.JsonMapper;

/**
 * What the processing engine writes to the results log, keyed by stream: one record per output of a processor, and
 * one for each start and end. Readers' event ids are the records' positions in the results log (they increase along a
 * stream however many results a chunk has); {@code seq} says which command a result came from.
 *
 * @param seq       the position in the requests log of the command this came from (a chunk's is what its send was
 *                  answered with); for a timer's results, the stream's last command; {@link #ANNOUNCED} for a
 *                  {@code STARTED} a gateway wrote beside its start, before the start had a position
 * @param json      the JSON readers receive as the event's data, encoded once by the engine
 * @param processor the stream's processor (STARTED only)
 * @param reason    why the stream ended (ENDED only)
 * @param idempotencyKey the client's key of the chunk this result is for, if it sent one (RESULT only)
 * @param startId   the start attempt this answers (STARTED, START_REFUSED); null from processors before it existed
 * @param trace     the W3C {@code traceparent} of the span that produced it, when traced; null otherwise
 */
public record StreamResult(Kind kind, String streamId, long seq, String json, String processor, String reason,
                           String idempotencyKey, String startId, String trace) {

    /**
     * {@code STARTED}: a start opened the stream. A new stream's is written ahead of the transaction that records the
     * start, and written again if the processor fails before that transaction commits: readers of the log take the
     * first and pass over a repeat of the same start.
     *
     * <p>{@code START_REFUSED}: a start of a stream that was already open (another gateway's start of the same id won,
     * or a start retried elsewhere while the first was on its way); nothing about the open stream changes.
     */
    public enum Kind { STARTED, START_REFUSED, RESULT, ENDED }

    /** The {@code seq} of a {@code STARTED} that a gateway wrote beside its start, not a processor after it. */
    public static final long ANNOUNCED = -1;

    public StreamResult {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(json, "json");
    }

    public StreamResult(Kind kind, String streamId, long seq, String json, String processor, String reason,
                        String idempotencyKey, String startId) {
        this(kind, streamId, seq, json, processor, reason, idempotencyKey, startId, null);
    }

    /** The {@code STARTED} of a start of {@code processor}'s stream: its JSON, here alone, names the processor. */
    public static StreamResult started(String stream, long seq, String processor, String startId, JsonMapper json) {
        return new StreamResult(Kind.STARTED, stream, seq, json.writeValueAsString(Map.of("processor", processor)),
                processor, null, null, startId);
    }

    /**
     * The {@code STARTED} a gateway writes beside a start it announces (one of an id it generated), in the start's
     * trace: it has no position in the requests log yet, so its {@code seq} is {@link #ANNOUNCED}.
     */
    public static StreamResult announcing(StreamCommand start, JsonMapper json) {
        return started(start.streamId(), ANNOUNCED, start.processor(), start.startId(), json).withTrace(start.trace());
    }

    /** This result as part of the trace named by {@code traceparent}. */
    public StreamResult withTrace(String traceparent) {
        return new StreamResult(kind, streamId, seq, json, processor, reason, idempotencyKey, startId, traceparent);
    }
}
