package io.streamgate.processing.engine;

import java.util.Map;
import java.util.Objects;

/**
 * What the gateway writes to the requests log, keyed by stream so that a stream's start, chunks and end stay in
 * order on one partition: the processing engine's input.
 *
 * @param streamId  the stream's key in the logs ({@code <tenant id>:<id>}, or the id alone on an open gateway)
 * @param processor the stream's processor (on START and CHUNK, so a processor that never saw the start still knows)
 * @param options   the processor's options (START only; empty otherwise)
 * @param data      the chunk (CHUNK only)
 * @param reason    why the stream ended (END only)
 * @param idempotencyKey the client's key for this chunk, if it sent one (CHUNK only); travels on to the results
 * @param startId   names this start attempt (START only): of two starts of one id, the processor takes the first and
 *                  refuses the other, and each gateway learns from the result whether its own attempt was the one
 * @param trace     the W3C {@code traceparent} of the span that appended it, when traced; null otherwise
 * @param announced whether its gateway wrote the start's {@code STARTED} itself, beside it (START only: an id the
 *                  gateway generated, which nothing can have started before): every gateway knows the stream already,
 *                  so the processor's own {@code STARTED} needs no write of its own ahead of its transaction
 */
public record StreamCommand(Kind kind, String streamId, String processor, Map<String, String> options, String data,
                            String reason, String idempotencyKey, String startId, String trace, boolean announced) {

    public enum Kind { START, CHUNK, END }

    public StreamCommand {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(streamId, "streamId");
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public StreamCommand(Kind kind, String streamId, String processor, Map<String, String> options, String data,
                         String reason, String idempotencyKey, String startId) {
        this(kind, streamId, processor, options, data, reason, idempotencyKey, startId, null, false);
    }

    /** This command as part of the trace named by {@code traceparent}. */
    public StreamCommand withTrace(String traceparent) {
        return new StreamCommand(kind, streamId, processor, options, data, reason, idempotencyKey, startId, traceparent,
                announced);
    }

    /** This start, with its {@code STARTED} written by its gateway beside it. */
    public StreamCommand asAnnounced() {
        if (kind != Kind.START) {
            throw new IllegalStateException("only a start is announced, not a " + kind);
        }
        return new StreamCommand(kind, streamId, processor, options, data, reason, idempotencyKey, startId, trace, true);
    }

    /**
     * Whether this command is a copy of {@code chunk}: a chunk of the same stream under the same recorded key (a chunk
     * sent without one has no copies). A gateway records a key with a digest of its send's data, so a copy holds the
     * same data too.
     */
    public boolean isCopyOf(StreamCommand chunk) {
        return kind == Kind.CHUNK && idempotencyKey != null && streamId.equals(chunk.streamId())
                && idempotencyKey.equals(chunk.idempotencyKey());
    }

    public static StreamCommand start(String streamId, String processor, Map<String, String> options, String startId) {
        return new StreamCommand(Kind.START, streamId, processor, options, null, null, null, startId);
    }

    public static StreamCommand chunk(String streamId, String processor, String data, String idempotencyKey) {
        return new StreamCommand(Kind.CHUNK, streamId, processor, Map.of(), Objects.requireNonNull(data, "data"), null,
                idempotencyKey, null);
    }

    public static StreamCommand end(String streamId, String reason) {
        return new StreamCommand(Kind.END, streamId, null, Map.of(), null, Objects.requireNonNull(reason, "reason"),
                null, null);
    }
}
