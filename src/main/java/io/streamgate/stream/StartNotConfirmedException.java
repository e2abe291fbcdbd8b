package io.streamgate.stream;

/**
 * A start is stored in Kafka but its processor has not confirmed it in time (processors down, rebalancing or far
 * behind). The stream opens once one does; until then other instances cannot know it, so the start is not answered
 * as a success. Retryable: a retry with the same id answers 409 once the stream exists.
 */
public final class StartNotConfirmedException extends RuntimeException {

    private final StreamId streamId;

    public StartNotConfirmedException(StreamId streamId) {
        super("Stream " + streamId + " is stored but no processor has confirmed it yet; it opens once one does", null,
                false, false);
        this.streamId = streamId;
    }

    public StreamId streamId() {
        return streamId;
    }
}
