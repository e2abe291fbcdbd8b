package io.streamgate.stream;

/** The command log (Kafka) could not take a command durably in time; the client may retry later. */
public final class CommandLogUnavailableException extends RuntimeException {

    public CommandLogUnavailableException(String detail, Throwable cause) {
        super(detail, cause);
    }
}
