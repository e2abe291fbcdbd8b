package io.streamgate.stream;

/** Too many commands are already waiting for the command log (Kafka is slower than the clients); retry shortly. */
public final class CommandLogBusyException extends RuntimeException {

    public CommandLogBusyException(String detail) {
        super(detail, null, false, false);
    }
}
