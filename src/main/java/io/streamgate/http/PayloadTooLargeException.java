package io.streamgate.http;

/**
 * A request body or chunk over its configured limit; answered with 413, and counted, under the limit's name.
 *
 * @see Limit
 */
final class PayloadTooLargeException extends RuntimeException {

    /**
     * The size limits, by the name of their property under {@code streamgate.stream}; the start body's, which is
     * fixed, by a name of its own; Kafka's topic's, set below the gateway's (an operator's setting), by Kafka's name.
     */
    enum Limit {
        MAX_CHUNK_SIZE("max-chunk-size"), MAX_BATCH_SIZE("max-batch-size"), MAX_BATCH_CHUNKS("max-batch-chunks"),
        START_BODY_SIZE("start-body-size"), KAFKA_MAX_MESSAGE_BYTES("max.message.bytes");

        final String property;

        Limit(String property) {
            this.property = property;
        }
    }

    private final Limit limit;

    PayloadTooLargeException(Limit limit, String detail) {
        super(detail, null, false, false);
        this.limit = limit;
    }

    Limit limit() {
        return limit;
    }
}
