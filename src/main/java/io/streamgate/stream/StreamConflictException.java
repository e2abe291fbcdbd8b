package io.streamgate.stream;

/** The request does not fit the stream's state: starting an existing id, sending to or ending an ended stream. */
public final class StreamConflictException extends RuntimeException {

    public StreamConflictException(String detail) {
        super(detail, null, false, false);
    }
}
