package io.streamgate.stream;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Mono;

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

    InMemoryCommandLog(CommandProcessor processor, StreamRegistry registry) {
        this.processor = processor;
        this.registry = registry;
    }

    void failWith(RuntimeException failure) {
        this.failure = failure;
    }

    @Override
    public synchronized Mono<Long> append(StreamCommand command) {
        if (failure != null) {
            return Mono.error(failure);
        }
        long offset = nextOffset.getAndIncrement();
        appended.add(command);
        registry.apply(processor.process(command, offset), System.currentTimeMillis());
        return Mono.just(offset);
    }
}
