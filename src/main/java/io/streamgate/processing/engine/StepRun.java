package io.streamgate.processing.engine;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import io.streamgate.processing.ProcessingFailure;
import io.streamgate.tracing.StreamTracing;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.Exceptions;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One step of one stream, under way: its attempts, each from the state before the step, each bounded by the step
 * timeout, and retried after a backoff. Readers get each output once however often the step runs: an attempt passes
 * on only the outputs beyond those already delivered (by an earlier attempt, or by a processor that died running it).
 * Outputs, completion and failure are reported on the coordinator's thread, which owns all the engine's bookkeeping.
 * An instant step's callback runs on that thread itself, saving the hand-offs to a worker and back; its outputs are
 * still reported in tasks of their own, after the attempt has started, as a worker's are.
 */
final class StepRun {

    /** Where a run reports, on the coordinator's thread. */
    interface Reports {
        void output(StepRun run, StreamResult result);

        /** The step is done, leaving its stream as {@code after}. */
        void completed(StepRun run, StoredStream after);

        void failed(StepRun run, Throwable error);

        void retrying(StepRun run, Throwable error);

        /** Whether {@code run} may begin an attempt now; if not, its {@link #resume} is called once there is room. */
        boolean roomToBegin(StepRun run);

        /**
         * Whether {@code run} may take another output now; if not, its {@link #resume} is called once there is room.
         */
        boolean roomForOutputs(StepRun run);

        /** {@code run}'s attempt ended, done ({@code completed}), failed, timed out or stopped: its room is free. */
        void attemptEnded(StepRun run, boolean completed);

        /** Handling a report failed half-way: the engine's bookkeeping can no longer be trusted. */
        void broken(Throwable error);
    }

    /** The schedulers and bounds runs share. */
    record Runtime(Scheduler coordinator, Scheduler workers, Scheduler timers, Duration timeout, int retries,
                   Duration backoff, StateLimit stateLimit, StateRoom stateRoom, StreamTracing tracing) {

        /** Runs {@code task} on the coordinator's thread once {@code nanos} have passed; nothing if disposed first. */
        Disposable after(long nanos, Runnable task) {
            try {
                return timers.schedule(() -> onCoordinator(task), Math.max(0, nanos), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException stopped) {
                return Disposables.disposed(); // the engine stopped: its work is another's to redo
            }
        }

        /** Runs {@code task} on the coordinator's thread; nothing once the engine has stopped. */
        void onCoordinator(Runnable task) {
            try {
                coordinator.schedule(task);
            } catch (RejectedExecutionException stopped) {
                // the engine stopped: its work is another's to redo
            }
        }
    }

    final PartitionWork partition;
    final StreamWork stream;
    final Step step;
    /** The stream's stored state before this step. */
    final StoredStream before;
    /** A start of a stream that is open under another start: answered with a refusal, nothing else. */
    final boolean refusedStart;
    /** The processor the step calls (null if the stream names none). */
    final String processor;
    /** The room its attempt under way holds for outputs its processor makes ahead ({@link OutputRoom}). */
    long roomHeld;
    /**
     * How many outputs its attempt's processor may make before the coordinator has taken those before
     * ({@link OutputRoom#begin} sets it, as it holds room for them): 16 if they are small, else one.
     */
    int outputsAhead = 1;
    /** Its outputs are made on the coordinator's thread ({@link StepRules#instant}). */
    private final boolean instant;
    private final Supplier<StepContext> contexts;
    private final Function<StepContext, Flux<StreamResult>> outputs;
    private final Runtime runtime;
    private final Reports reports;
    /** The step's span, from its first attempt to its end, in the trace of the command it runs (if any). */
    private final StreamTracing.Span span;
    private int delivered;
    private int attempts;
    /** Waiting for room to begin its next attempt ({@link OutputRoom#begin}). */
    private boolean waitingToBegin;
    /** The current attempt, or the backoff before the next one. */
    private Disposable running;
    /**
     * When the current attempt times out: one timer for all its outputs, stopped while they wait for room (the step
     * timeout bounds the processor's time, not the engine's); the time it had left then, in nanoseconds.
     */
    private Disposable deadline = Disposables.disposed();
    private long deadlineNanos;
    private long nanosLeft;
    /** Read on other threads too: an output in flight when the engine stops may be rejected there. */
    private volatile boolean cancelled;

    StepRun(PartitionWork partition, StreamWork stream, Step step, boolean refusedStart, boolean instant,
            Supplier<StepContext> contexts, Function<StepContext, Flux<StreamResult>> outputs, Runtime runtime,
            Reports reports) {
        this.partition = partition;
        this.stream = stream;
        this.step = step;
        this.before = stream.stored;
        this.refusedStart = refusedStart;
        this.processor = StepRules.processorOf(before, step.command());
        this.instant = instant;
        this.contexts = contexts;
        this.outputs = outputs;
        this.runtime = runtime;
        this.reports = reports;
        this.delivered = step.alreadyEmitted(stream.stored);
        this.span = runtime.tracing().startProcessing(step.command() == null ? null : step.command().trace(),
                step.kind().label, stream.key);
    }

    /** {@code result} as part of this step's trace, when it has one: the results feed and readers join it. */
    StreamResult traced(StreamResult result) {
        String traceparent = span.traceparent();
        return traceparent == null ? result : result.withTrace(traceparent);
    }

    /** Outputs of this step readers have (or will have with the next commit). */
    int delivered() {
        return delivered;
    }

    int attempts() {
        return attempts;
    }

    /** Counts one more output delivered that the engine made itself (an error notice, an end). */
    void deliveredOne() {
        delivered++;
    }

    /** Cancelled, or about to be: its partition is being dropped. */
    boolean stopped() {
        return cancelled || partition.abandoned;
    }

    /** Begins an attempt, once there is room for its processor's next output ({@link OutputRoom}). */
    void start() {
        if (reports.roomToBegin(this)) {
            begin();
        } else {
            waitingToBegin = true;
        }
    }

    private void begin() {
        attempts++;
        Attempt attempt = new Attempt(contexts.get());
        Flux.defer(() -> outputs.apply(attempt.context))
                .subscribeOn(instant ? Schedulers.immediate() : runtime.workers())
                .publishOn(runtime.coordinator(), outputsAhead)
                .subscribe(attempt);
        running = attempt;
        nanosLeft = runtime.timeout().toNanos();
        armDeadline(attempt);
    }

    private void armDeadline(Attempt attempt) {
        deadlineNanos = System.nanoTime() + nanosLeft;
        deadline = runtime.after(nanosLeft, () -> handle(() -> {
            // Still this attempt's turn, and it has not ended (its end and this run on the coordinator, in order).
            if (!cancelled && running == attempt && !attempt.isDisposed() && !attempt.waitingForRoom) {
                attempt.dispose();
                reports.attemptEnded(this, false);
                retryOrFail(new StepTimeoutException(runtime.timeout()));
            }
        }));
    }

    /** There is room again: the run begins its attempt, or the attempt under way takes more, if it was waiting. */
    void resume() {
        if (stopped()) {
            return;
        }
        if (waitingToBegin) {
            waitingToBegin = false;
            begin();
        } else if (running instanceof Attempt attempt && attempt.waitingForRoom && !attempt.isDisposed()) {
            attempt.waitingForRoom = false;
            armDeadline(attempt);
            attempt.more();
        }
    }

    /**
     * One attempt's outputs, taken one at a time while the engine has room for them ({@link Reports#roomForOutputs});
     * past it, the attempt waits until {@link #resume}. Its first output is taken whatever the room: its processor has
     * made it already ({@link #outputsAhead}), and a start's is its confirmation, which results waiting for their
     * transaction may need.
     */
    private final class Attempt extends BaseSubscriber<StreamResult> {

        final StepContext context;
        private int index;
        boolean waitingForRoom;

        Attempt(StepContext context) {
            this.context = context;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            more();
        }

        @Override
        protected void hookOnNext(StreamResult result) {
            // Per output, so without handle's Runnable: the same catch, written out.
            try {
                if (!cancelled && ++index > delivered) {
                    delivered = index;
                    reports.output(StepRun.this, traced(result));
                }
                if (cancelled) {
                    return;
                }
                if (reports.roomForOutputs(StepRun.this)) {
                    more();
                } else {
                    waitingForRoom = true;
                    deadline.dispose();
                    nanosLeft = deadlineNanos - System.nanoTime();
                }
            } catch (Throwable failure) {
                broken(failure);
            }
        }

        @Override
        protected void hookOnError(Throwable error) {
            handle(() -> {
                deadline.dispose();
                if (!cancelled) {
                    reports.attemptEnded(StepRun.this, false);
                    retryOrFail(error);
                }
            });
        }

        @Override
        protected void hookOnComplete() {
            handle(() -> {
                deadline.dispose();
                if (!cancelled) {
                    reports.attemptEnded(StepRun.this, true);
                    completed(context);
                }
            });
        }

        void more() {
            request(1);
        }
    }

    /**
     * An attempt's callback completed: the step is done, unless it left a state the log would not take, or one the
     * processor has no room for.
     */
    private void completed(StepContext context) {
        StoredStream after = StepRules.after(step, before, refusedStart, context.state().values(),
                context.timerDueAt());
        try {
            runtime.stateLimit().check(after);
            partition.checkStateRoom(stream, after);
        } catch (ProcessingFailure tooLarge) {
            retryOrFail(tooLarge);
            return;
        }
        span.end();
        reports.completed(this, after);
    }

    /**
     * Runs the engine's handling of an attempt's signal. What it throws is the engine's own failure, after part of its
     * bookkeeping changed, so the incarnation fails and starts over from the logs. Left to Reactor, a throw from a
     * subscriber's callback or a scheduled task is only logged, and the step would never end: its stream and its
     * partition's commits would wait for it until the process stopped.
     */
    private void handle(Runnable handling) {
        try {
            handling.run();
        } catch (Throwable failure) {
            broken(failure);
        }
    }

    private void broken(Throwable failure) {
        Exceptions.throwIfJvmFatal(failure);
        reports.broken(failure);
    }

    private void retryOrFail(Throwable error) {
        if (attempts > runtime.retries()) {
            span.fail(error);
            reports.failed(this, error);
            return;
        }
        reports.retrying(this, error);
        running = Mono.delay(runtime.backoff(), runtime.timers())
                .publishOn(runtime.coordinator())
                .subscribe(ignored -> handle(() -> {
                    if (!cancelled) {
                        start();
                    }
                }));
    }

    /** Stops the step where it is (its partition was revoked, or the engine stops); nothing more is reported. */
    void cancel() {
        cancelled = true;
        span.end();
        deadline.dispose();
        if (running != null) {
            running.dispose();
        }
        reports.attemptEnded(this, false);
    }
}
