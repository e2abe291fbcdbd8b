package io.streamgate.stream;

/** No stream with this id is known to this gateway. */
public final class StreamNotFoundException extends RuntimeException {

    public StreamNotFoundException(StreamId id) {
        super("Stream " + id + " does not exist", null, false, false);
    }
}
