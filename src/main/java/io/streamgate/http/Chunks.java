package io.streamgate.http;

import io.streamgate.stream.InvalidRequestException;
import io.streamgate.stream.Utf8;
import tools.jackson.databind.JsonNode;

/**
 * What a chunk must be, however it arrives (a JSON send, a line of an NDJSON batch, a WebSocket text frame): one set
 * of rules, so that no way in lets through what another refuses.
 */
final class Chunks {

    private final long maxChunkBytes;

    Chunks(long maxChunkBytes) {
        this.maxChunkBytes = maxChunkBytes;
    }

    /**
     * The most a body carrying one chunk may be: JSON escaping can make it larger than the chunk, which is checked
     * exactly once parsed.
     */
    long maxBodyBytes() {
        return 2 * maxChunkBytes + 16 * 1024;
    }

    /**
     * The largest WebSocket message read: twice the chunk limit, so that a chunk over the limit is still read and
     * answered like a send of it (413).
     */
    int maxMessageBytes() {
        return (int) Math.min(Integer.MAX_VALUE, 2 * maxChunkBytes);
    }

    /** The chunk a {@code {"data": "<string>"}} body carries. */
    String of(JsonNode body) {
        JsonNode data = body.get("data");
        if (data == null || data.isNull()) {
            throw new InvalidRequestException("Field 'data' is required");
        }
        if (!data.isString()) {
            throw new InvalidRequestException("Field 'data' must be a string");
        }
        return checked(data.stringValue());
    }

    /** {@code chunk}, if it may be stored: valid Unicode, at most {@code max-chunk-size} bytes of UTF-8. */
    String checked(String chunk) {
        if (!Utf8.isWellFormed(chunk)) {
            // Kafka stores UTF-8; an unpaired surrogate would silently become '?' on the way.
            throw new InvalidRequestException("Field 'data' must be valid Unicode (it has an unpaired surrogate)");
        }
        if (Utf8.length(chunk) > maxChunkBytes) {
            throw new PayloadTooLargeException(PayloadTooLargeException.Limit.MAX_CHUNK_SIZE,
                    "The chunk is larger than " + maxChunkBytes + " bytes");
        }
        return chunk;
    }
}
