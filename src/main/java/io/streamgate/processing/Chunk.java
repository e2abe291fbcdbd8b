package io.streamgate.processing;

import java.util.Objects;

/**
 * One chunk a client sent.
 *
 * @param seq  its position in the stream's partition of the requests log: increases along the stream, and is what
 *             the client's send was answered with
 * @param data the chunk as the client sent it
 */
public record Chunk(long seq, String data) {

    public Chunk {
        Objects.requireNonNull(data, "data");
    }
}
