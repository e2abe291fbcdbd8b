package io.streamgate.stream;

/**
 * The node holds as much as it allows of what is waiting for the command log (Kafka is slower than the clients);
 * retry shortly. {@link #limit()} says which bound: the commands waiting, or the bytes held.
 */
public final class CommandLogBusyException extends RuntimeException {

    /** Commands waiting for Kafka's acknowledgement at once. */
    public static final String MAX_SENDS_IN_FLIGHT = "max-sends-in-flight";
    /** Bytes of sends read, being read or waiting for Kafka at once. */
    public static final String MAX_BYTES_IN_FLIGHT = "max-bytes-in-flight";

    private final String limit;

    public CommandLogBusyException(String limit, String detail) {
        super(detail, null, false, false);
        this.limit = limit;
    }

    /** The bound reached, as in its configuration property and the rejection metric's tag. */
    public String limit() {
        return limit;
    }
}
