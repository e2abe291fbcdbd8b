package io.streamgate.processing.engine;

import java.util.List;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The logs the engine works on: commands in, results, stream states and dead letters out, in transactions. Implemented
 * on Kafka by the {@code kafka} package; the engine sees no Kafka types.
 */
public interface ProcessingLog {

    /** A new connection: one incarnation of the engine on this processor, until it fails or is closed. */
    Connection connect();

    interface Connection extends AutoCloseable {

        /**
         * Partitions assigned and revoked, and the commands read, for as long as the connection lives. Reading follows
         * demand: commands are read only as far as the subscriber has asked for them.
         */
        Flux<LogEvent> events();

        /**
         * Stops reading a partition (its commands read so far still arrive) until {@link #resume}: one partition with
         * a backlog must not fill the engine's room for commands and starve the others.
         */
        void pause(int partition);

        void resume(int partition);

        /** The latest committed state of every stream of a partition. */
        Mono<Map<String, StoredStream>> restore(int partition);

        /**
         * Writes a transaction and commits it; what belongs to an assignment that is no longer this processor's is left
         * out (its new owner redoes it). Fails if the log refused it. Called once the previous commit has ended: the
         * log keeps transactions in the order they were committed.
         */
        Mono<Void> commit(Transaction transaction);

        /**
         * Writes starts' confirmations to the results log, outside any transaction, and completes once the log holds
         * them; those of assignments that are no longer this processor's are left out. May be called while a commit is
         * under way: the engine commits nothing of a confirmed stream until its confirmation is held, so the
         * confirmation precedes every result of the stream, and the transaction under way holds nothing of it.
         */
        Mono<Void> confirmStarts(List<StartConfirmation> confirmations);

        @Override
        void close();
    }
}
