package io.streamgate.stream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.streamgate.processing.engine.StreamCommand;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The durable, ordered log of stream commands (implemented on Kafka by the {@code kafka} package). */
public interface CommandLog {

    /**
     * Appends a command and completes once the log holds it durably, with its position in the stream's
     * partition (increasing along a stream). Fails with {@link CommandLogUnavailableException} when the log
     * cannot take it in time, with {@link CommandTooLargeException} when it refuses one of its size.
     */
    Mono<Long> append(StreamCommand command);

    /**
     * Appends a chunk its client sends again under the same {@code Idempotency-Key} after attempts, the first begun at
     * {@code since} (epoch milliseconds), that failed without telling whether the log took them: Kafka's producer gave
     * up waiting, but a broker may hold the chunk, and commit it later. Of the copies of one key in the stream's log
     * from {@code since} on, the first is the one processed (processors pass the later ones over), and this completes
     * with its position: an earlier attempt's if the log took it after all, else this one's. Fails as {@link #append}
     * does, and when it could not read the log to tell ({@link CommandLogUnavailableException}: stored, but which copy
     * counts is not known yet; a retry tells).
     */
    Mono<Long> appendRetry(StreamCommand chunk, long since);

    /**
     * Appends commands in their order (one stream's chunks: they share a partition) and emits their positions in
     * that order. Fails as {@link #append} does when the log took none of them, and with
     * {@link PartlyStoredException} when it took some. This default appends one after another, and stops at the first
     * it could not; a log that can pipeline them in order should.
     */
    default Flux<Long> appendAll(List<StreamCommand> commands) {
        return Flux.defer(() -> {
            List<Long> positions = new ArrayList<>(commands.size());
            return Flux.fromIterable(commands)
                    .concatMap(this::append)
                    .doOnNext(positions::add)
                    .onErrorMap(failure -> !positions.isEmpty() && failure instanceof RuntimeException,
                            failure -> {
                                List<Long> all = new ArrayList<>(positions);
                                all.addAll(Collections.nCopies(commands.size() - positions.size(), null));
                                return new PartlyStoredException(all, (RuntimeException) failure);
                            });
        });
    }

    /**
     * Appends the start of a stream that nothing can have started before (an id this gateway generated) and, beside
     * it in the results log, the {@code STARTED} that opens the stream for every gateway; completes once both are
     * durable, with the start's position. A processor has nothing to decide about such a start, so nobody waits for
     * one. Should the {@code STARTED} land and the start not, the stream is open with nothing behind it until the idle
     * timeout ends it, as any other (a processor ends a stream whose start it never saw).
     */
    Mono<Long> appendAnnounced(StreamCommand start);

    /**
     * Fails with {@link CommandLogBusyException} when the log takes no more commands now, or with
     * {@link LimitExceededException} when it takes no more of {@code tenant}'s, taking nothing: asked before a send's
     * body is read, so a client is not made to upload what would be refused. A log without a bound has room.
     */
    default void requireRoom(String tenant) {
    }
}
