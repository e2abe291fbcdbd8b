package io.streamgate.metrics;

import java.time.Duration;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.streamgate.processing.engine.ProcessingMetrics;

/**
 * The processing engine's meters: {@code streamgate.processing.steps} (commands completed),
 * {@code streamgate.processing.results} (results emitted), {@code streamgate.processing.retries} and
 * {@code streamgate.processing.dead.letters} (both tagged by processor), {@code streamgate.processing.commits} (how
 * long each transaction took to commit: every result waits for one, and for the one before it),
 * {@code streamgate.processing.commit.results} (results per transaction) and {@code streamgate.processing.state.bytes}
 * (what the streams' states take of the heap, as counted against {@code max-state-bytes}).
 */
public final class ProcessingMeters implements ProcessingMetrics {

    private final MeterRegistry registry;
    private final Counter steps;
    private final Counter results;
    private final Timer commits;
    private final DistributionSummary commitResults;

    public ProcessingMeters(MeterRegistry registry) {
        this.registry = registry;
        steps = Counter.builder("streamgate.processing.steps")
                .description("Commands (starts, chunks, ends) the processors completed").register(registry);
        results = Counter.builder("streamgate.processing.results")
                .description("Results the processors emitted").register(registry);
        commits = Timer.builder("streamgate.processing.commits")
                .description("Processor transactions, from their start to the broker's answer reaching the engine")
                .publishPercentileHistogram().register(registry);
        commitResults = DistributionSummary.builder("streamgate.processing.commit.results")
                .description("Results written per transaction").register(registry);
    }

    @Override
    public void committed(Duration took, int results) {
        commits.record(took);
        commitResults.record(results);
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
    public void stateHeld(LongSupplier bytes) {
        Gauge.builder("streamgate.processing.state.bytes", bytes::getAsLong).baseUnit(BaseUnits.BYTES)
                .description("What the processor's streams' states take of its heap, counted against max-state-bytes")
                .register(registry);
    }

    @Override
    public void retried(String processor) {
        Counter.builder("streamgate.processing.retries").tag("processor", processor)
                .description("Failed attempts retried").register(registry).increment();
    }
}
