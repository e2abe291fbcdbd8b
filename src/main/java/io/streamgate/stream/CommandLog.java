package io.streamgate.stream;

import reactor.core.publisher.Mono;

/** The durable, ordered log of stream commands (implemented on Kafka by the {@code kafka} package). */
public interface CommandLog {

    /**
     * Appends a command and completes once the log holds it durably, with its position in the stream's
     * partition (increasing along a stream). Fails with {@link CommandLogUnavailableException} when the log
     * cannot take it in time.
     */
    Mono<Long> append(StreamCommand command);
}
