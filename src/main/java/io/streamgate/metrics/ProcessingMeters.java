package io.streamgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamgate.processing.engine.ProcessingMetrics;

/**
 * The processing engine's meters: {@code streamgate.processing.steps} (commands completed),
 * {@code streamgate.processing.results} (results emitted), {@code streamgate.processing.retries} and
 * {@code streamgate.processing.dead.letters} (both tagged by processor).
 */
public final class ProcessingMeters implements ProcessingMetrics {

    private final MeterRegistry registry;
    private final Counter steps;
    private final Counter results;

    public ProcessingMeters(MeterRegistry registry) {
        this.registry = registry;
        steps = Counter.builder("streamgate.processing.steps")
                .description("Commands (starts, chunks, ends) the processors completed").register(registry);
        results = Counter.builder("streamgate.processing.results")
                .description("Results the processors emitted").register(registry);
    }

    @Override
    public void stepCompleted() {
        steps.increment();
    }

    @Override
    public void resultEmitted() {
        results.increment();
    }

    @Override
    public void deadLettered(String processor) {
        Counter.builder("streamgate.processing.dead.letters").tag("processor", processor)
                .description("Chunks a processor failed on after its retries, sent to the dead-letter topic")
                .register(registry).increment();
    }

    @Override
    public void retried(String processor) {
        Counter.builder("streamgate.processing.retries").tag("processor", processor)
                .description("Failed attempts retried").register(registry).increment();
    }
}
