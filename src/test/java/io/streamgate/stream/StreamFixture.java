package io.streamgate.stream;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamgate.config.TenantShare;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.processing.ProcessorCatalog;
import io.streamgate.processing.builtin.EchoProcessor;
import io.streamgate.processing.builtin.UppercaseProcessor;
import io.streamgate.processing.builtin.WordCountProcessor;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/** The stream logic wired as in the app, on an {@link InMemoryCommandLog}. */
final class StreamFixture {

    /** How long its registries keep an ended stream, the default's hour. */
    static final Duration ENDED_RETENTION = Duration.ofHours(1);

    final MutableClock clock = new MutableClock();
    /** A single gateway's: its registry is fed each result as it is written, so it is always current. */
    final ResultsVisibility visibility = ResultsVisibility.immediate();
    private final SynchronousProcessing processor;
    private final ProcessorCatalog catalog;
    final StreamRegistry registry;
    final InMemoryCommandLog log;
    final StreamService service;

    StreamFixture(int historyLimit) {
        this(historyLimit, roomyLimits());
    }

    StreamFixture(int historyLimit, StreamLimits limits) {
        this(historyLimit, limits, Long.MAX_VALUE);
    }

    /** @param historyBudget the heap all open streams' results may take together */
    StreamFixture(int historyLimit, StreamLimits limits, long historyBudget) {
        this(historyLimit, limits, historyBudget, Long.MAX_VALUE);
    }

    /** @param idempotencyBudget the heap all open streams' remembered Idempotency-Keys may take together */
    StreamFixture(int historyLimit, StreamLimits limits, long historyBudget, long idempotencyBudget) {
        catalog = new ProcessorCatalog(
                List.of(new UppercaseProcessor(), new EchoProcessor(), new WordCountProcessor()), "uppercase");
        registry = new StreamRegistry(historyLimit, 1024 * 1024, historyBudget, idempotencyBudget,
                ENDED_RETENTION, clock);
        processor = new SynchronousProcessing(catalog);
        log = new InMemoryCommandLog(processor, registry, clock);
        service = serviceOf(registry, log, limits);
    }

    StreamFixture() {
        this(100);
    }

    /** A second gateway on the same log and processor, with a registry of its own fed by every result. */
    StreamService anotherGateway() {
        StreamRegistry other = new StreamRegistry(100, 1024 * 1024, Long.MAX_VALUE, Long.MAX_VALUE, ENDED_RETENTION,
                clock);
        log.alsoFeed(other);
        return serviceOf(other, log, roomyLimits());
    }

    /** This gateway's service over another command log (a bounded one, say), sharing its registry and processor. */
    StreamService serviceOn(CommandLog commandLog) {
        return serviceOf(registry, commandLog, roomyLimits());
    }

    /** This gateway's service, sharing its registry and log, with another view of how current the registry is. */
    StreamService serviceSeeing(ResultsVisibility results) {
        return serviceOf(registry, log, roomyLimits(), results);
    }

    private StreamService serviceOf(StreamRegistry streams, CommandLog commandLog, StreamLimits limits) {
        return serviceOf(streams, commandLog, limits, visibility);
    }

    /** A gateway's service as the app wires it, over this fixture's catalog and clock. */
    private StreamService serviceOf(StreamRegistry streams, CommandLog commandLog, StreamLimits limits,
                                    ResultsVisibility results) {
        return new StreamService(streams, commandLog, catalog, new StreamIdGenerator(),
                new StreamMetrics(new SimpleMeterRegistry(), streams::openStreams), limits, clock, Schedulers.parallel(),
                results);
    }

    StreamSession session(StreamKey key) {
        return service.session(key).block();
    }

    Flux<ResultEvent> read(StreamKey key, long lastEventId) {
        return service.read(session(key), lastEventId);
    }

    Flux<List<ResultEvent>> readBatches(StreamKey key, long lastEventId) {
        return service.readBatches(session(key), lastEventId);
    }

    StreamKey started(String id) {
        return started("", id);
    }

    StreamKey started(String tenant, String id) {
        return service.start(tenant, new StreamId(id), null).block().key();
    }

    /** A registry rebuilt from everything appended so far, as a restarted gateway's results feed rebuilds it. */
    StreamRegistry replayedRegistry() {
        return replayedRegistry(Long.MAX_VALUE);
    }

    /** The same, its open streams' remembered Idempotency-Keys under {@code idempotencyBudget}. */
    StreamRegistry replayedRegistry(long idempotencyBudget) {
        StreamRegistry replayed = new StreamRegistry(100, 1 << 20, Long.MAX_VALUE, idempotencyBudget, ENDED_RETENTION,
                clock);
        for (int position = 0; position < log.results.size(); position++) {
            replayed.apply(log.results.get(position), position, log.writtenAt(position));
        }
        return replayed;
    }

    /** A restarted instance's view of the results log: still replaying it until {@link #reachTheEnd()}. */
    static final class Replaying implements ResultsVisibility {

        private final Sinks.Empty<Void> replayed = Sinks.empty();
        private volatile boolean done;

        void reachTheEnd() {
            done = true;
            replayed.tryEmitEmpty();
        }

        @Override
        public Mono<Void> awaitCurrent(StreamKey key) {
            return awaitReplayed();
        }

        @Override
        public boolean replayed() {
            return done;
        }

        @Override
        public Mono<Void> awaitReplayed() {
            return replayed.asMono();
        }
    }

    /** Limits no test reaches unless it means to: a thousand open streams a tenant, a million sends a second. */
    static StreamLimits roomyLimits() {
        return new StreamLimits(1000, 100_000, 1_000_000, 100, TenantShare.fixed(1000), Clock.systemUTC());
    }

    static StreamKey key(String id) {
        return new StreamKey("", new StreamId(id));
    }
}
