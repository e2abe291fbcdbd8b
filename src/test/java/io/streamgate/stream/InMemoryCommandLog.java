package io.streamgate.stream;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A {@link CommandLog} for unit tests of the stream logic: numbers commands like a single partition would and
 * feeds each through a {@link CommandProcessor} into the registry, as the processor and results feed do.
 * Integration tests use a real broker instead.
 */
final class InMemoryCommandLog implements CommandLog {

    final List<StreamCommand> appended = new CopyOnWriteArrayList<>();
    private final AtomicLong nextOffset = new AtomicLong();
    private final CommandProcessor processor;
    private final StreamRegistry registry;
    private volatile RuntimeException failure;
    private volatile Sinks.Empty<Void> chunkGate;
    private volatile boolean processing = true;

    InMemoryCommandLog(CommandProcessor processor, StreamRegistry registry) {
        this.processor = processor;
        this.registry = registry;
    }

    /** Fails every later command but chunks (held or not); null to stop failing. */
    void failWith(RuntimeException failure) {
        this.failure = failure;
    }

    /** Stores commands but processes none of them, as when no processor is running. */
    void stopProcessing() {
        processing = false;
    }

    /** Keeps chunk appends in flight (not yet in the log) until {@link #releaseChunks()}. */
    void holdChunks() {
        chunkGate = Sinks.empty();
    }

    void releaseChunks() {
        chunkGate.tryEmitEmpty();
    }

    @Override
    public Mono<Long> append(StreamCommand command) {
        Sinks.Empty<Void> gate = chunkGate;
        if (gate != null && command.kind() == StreamCommand.Kind.CHUNK) {
            return gate.asMono().then(Mono.fromCallable(() -> store(command)));
        }
        return Mono.defer(() -> failure != null ? Mono.<Long>error(failure) : Mono.fromCallable(() -> store(command)));
    }

    private synchronized long store(StreamCommand command) {
        long offset = nextOffset.getAndIncrement();
        appended.add(command);
        if (processing) {
            registry.apply(processor.process(command, offset), System.currentTimeMillis());
        }
        return offset;
    }
}
