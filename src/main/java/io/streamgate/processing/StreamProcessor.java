package io.streamgate.processing;

import java.util.Map;

import reactor.core.publisher.Flux;

/**
 * A kind of work a stream asks for by name when it starts ({@code {"processor": "<name>", "options": {...}}}), and
 * gets results of, live. Implementations are registered as Spring beans; the built-ins are in
 * {@link io.streamgate.processing.builtin}.
 *
 * <p>Each callback answers a {@link Flux} of {@link Output}s: none (a filter), one, or many, now or over time (a
 * remote call, a conversion that reports as it goes). Readers get each output as soon as it is emitted, each exactly
 * once, even if the processor dies mid-chunk and another takes over. The engine calls a stream's callbacks one at a
 * time and in order: a chunk's callback starts only once the flux of the one before has completed. Streams run
 * concurrently, so one slow stream delays only itself. Callbacks must not block: return a flux that waits instead.
 *
 * <p>State: {@link StreamContext#state()} is the stream's own, durable in Kafka: changes made by a callback (before
 * its flux completes) are kept once the flux completes, and dropped if it fails. After a failover the next processor
 * starts from the last completed callback's state, and replays an unfinished callback from there, passing on only
 * the outputs readers have not had yet. So a callback may run more than once (its side effects, such as a remote
 * call, may repeat), but the results it delivers and the state it leaves never do.
 *
 * <p>Failures: a flux that fails, or does not complete within {@code streamgate.processing.chunk-timeout}, is retried
 * ({@code streamgate.processing.retries}) from the state before it; then the reader gets an {@code error} result for
 * it, the chunk goes to the dead-letter topic, and the stream goes on.
 */
public interface StreamProcessor {

    /** The name clients pass as {@code {"processor": "<name>"}}; lower case letters, digits and dashes. */
    String name();

    /**
     * Whether this processor's callbacks are instant: they compute in memory, in microseconds for a chunk of a few
     * kilobytes, and return their outputs at once, as the built-in text processors do. The engine then calls them for
     * small commands on its own thread, the one that keeps every stream's books, and saves each such step two hand-offs
     * between threads (a worker woken for the callback, the engine's thread woken again for its outputs). Anything
     * slower keeps the default: while a callback runs on the engine's thread every stream of the node waits, and a step
     * timeout cannot stop a callback that has not returned.
     */
    default boolean instant() {
        return false;
    }

    /**
     * Checks the options a stream starts with, before anything is stored: throw {@link InvalidOptionsException} to
     * refuse the start with 400. None are accepted unless a processor says otherwise.
     */
    default void checkOptions(Map<String, String> options) {
        if (!options.isEmpty()) {
            throw new InvalidOptionsException("Processor '" + name() + "' takes no options");
        }
    }

    /** The stream has started; called before its first chunk. */
    default Flux<Output> onStart(StreamContext stream) {
        return Flux.empty();
    }

    /** One chunk of the stream, in the stream's order. */
    Flux<Output> onChunk(Chunk chunk, StreamContext stream);

    /** The stream's timer is due ({@link StreamContext#setTimer}); a periodic aggregate sets it again here. */
    default Flux<Output> onTimer(StreamContext stream) {
        return Flux.empty();
    }

    /** The stream is ending; what this emits (a summary) reaches readers before the {@code end} event. */
    default Flux<Output> onEnd(StreamContext stream) {
        return Flux.empty();
    }
}
