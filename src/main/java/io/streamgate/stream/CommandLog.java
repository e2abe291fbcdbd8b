package io.streamgate.stream;

import java.util.List;

import io.streamgate.processing.engine.StreamCommand;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The durable, ordered log of stream commands (implemented on Kafka by the {@code kafka} package). */
public interface CommandLog {

    /**
     * Appends a command and completes once the log holds it durably, with its position in the stream's
     * partition (increasing along a stream). Fails with {@link CommandLogUnavailableException} when the log
     * cannot take it in time.
     */
    Mono<Long> append(StreamCommand command);

    /**
     * Appends commands in their order (one stream's chunks: they share a partition) and emits their positions in
     * that order. This default appends one after another; a log that can pipeline them in order should.
     */
    default Flux<Long> appendAll(List<StreamCommand> commands) {
        return Flux.fromIterable(commands).concatMap(this::append);
    }
}
