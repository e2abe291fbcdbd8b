package io.streamgate.stream;

import java.util.Objects;

/**
 * What the processor writes to the results log for each command, keyed by stream id.
 *
 * @param seq       the position of the originating command in the requests log: increases along a stream and
 *                  is the SSE event id readers resume from
 * @param json      the JSON readers receive as the event's data, encoded once by the processor
 * @param processor the stream's processor (STARTED only)
 * @param reason    why the stream ended (ENDED only)
 * @param idempotencyKey the client's key of the chunk this result is for, if it sent one (RESULT only)
 * @param startId   the start attempt this answers (STARTED, START_REFUSED); null from processors before it existed
 */
public record StreamResult(Kind kind, String streamId, long seq, String json, String processor, String reason,
                           String idempotencyKey, String startId) {

    /**
     * {@code START_REFUSED}: a start of a stream that was already open (another gateway's start of the same id won, or a
     * start retried elsewhere while the first was on its way); nothing about the open stream changes.
     */
    public enum Kind { STARTED, START_REFUSED, RESULT, ENDED }

    public StreamResult {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(json, "json");
    }
}
