package io.streamgate.stream;

/** The client's request is malformed; answered with 400 and nothing is written. */
public final class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String detail) {
        super(detail, null, false, false);
    }
}
