package io.streamgate.processing.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.function.LongSupplier;

import io.streamgate.processing.ProcessorCatalog;
import io.streamgate.tracing.StreamTracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

/**
 * The processing stage: reads the streams' commands, runs each stream's processor on them (streams concurrently, each
 * strictly in order), and writes their results, their states and the log's progress in transactions, so that whatever
 * fails, readers get each result exactly once and stateful results are those of an uninterrupted run.
 *
 * <p>It runs as a succession of incarnations on fresh connections to the log: one that fails (a lost broker, a
 * transaction the log refused after a rebalance) is replaced, after a backoff, by one that starts again from what the
 * logs hold.
 */
public final class ProcessingEngine {

    private static final Logger log = LoggerFactory.getLogger(ProcessingEngine.class);

    private final ProcessingLog processingLog;
    private final StepRules rules;
    private final StateLimit stateLimit;
    private final StateRoom stateRoom;
    private final EngineSettings settings;
    private final Clock clock;
    private final ProcessingMetrics metrics;
    private final Scheduler workers;
    private final Scheduler timers;
    private final StreamTracing tracing;
    private final StreamActivity activity;

    /**
     * @param maxValueBytes the largest value a record of the results or the state log may have now: a larger result
     *                      becomes an error notice, and a step that leaves a larger state fails
     * @param workers       where processors' callbacks run
     * @param timers        where timeouts, retries' backoffs and streams' timers wait
     * @param activity      told of every command read, for its stream's idle expiry
     */
    public ProcessingEngine(ProcessingLog processingLog, ProcessorCatalog catalog, EngineSettings settings,
                            JsonMapper json, LongSupplier maxValueBytes, Clock clock, ProcessingMetrics metrics,
                            Scheduler workers, Scheduler timers, StreamTracing tracing, StreamActivity activity) {
        this.processingLog = processingLog;
        this.rules = new StepRules(catalog, new ResultEncoder(json, maxValueBytes), clock);
        this.stateLimit = new StateLimit(json, maxValueBytes);
        this.stateRoom = new StateRoom(settings.maxStateBytes());
        metrics.stateHeld(stateRoom::held);
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
        this.workers = workers;
        this.timers = timers;
        this.tracing = tracing;
        this.activity = activity;
    }

    /** Starts processing; disposing the result stops it (what is not committed is redone by the next owner). */
    public Disposable start() {
        Scheduler coordinator = Schedulers.newSingle("processing-engine", true);
        StepRun.Runtime runtime = new StepRun.Runtime(coordinator, workers, timers, settings.stepTimeout(),
                settings.retries(), settings.retryBackoff(), stateLimit, stateRoom, tracing);
        Disposable running = Mono.usingWhen(Mono.fromCallable(processingLog::connect),
                        connection -> new Incarnation(connection, rules, settings, clock, metrics, runtime, activity)
                                .run(),
                        // Closing Kafka clients waits for them: never on the coordinator's (non-blocking) thread.
                        connection -> Mono.fromRunnable(connection::close).subscribeOn(Schedulers.boundedElastic()))
                // Connecting builds Kafka clients, which may block: never on a non-blocking thread, also when a retry
                // resubscribes from the backoff's timer.
                .subscribeOn(Schedulers.boundedElastic())
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(10))
                        .doBeforeRetry(signal -> log.warn("Processing failed; starting again from the logs",
                                signal.failure())))
                .subscribe();
        // Stopping the incarnation is a task on the coordinator (it cancels every step and timer there): the
        // coordinator goes once its queued tasks, that one included, have run.
        return () -> {
            running.dispose();
            coordinator.disposeGracefully().subscribe();
        };
    }
}
