package io.streamgate.processing.engine;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;

import io.streamgate.processing.Chunk;
import io.streamgate.processing.ProcessingFailure;
import io.streamgate.processing.ProcessorCatalog;
import io.streamgate.processing.StreamProcessor;
import io.streamgate.processing.UnknownProcessorException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What each kind of step means for its stream, as functions of the step and the stream's stored state: whether it is
 * already done, whether a start is refused, the context it runs in, what it emits, and the state it leaves. The
 * coordinator ({@link Incarnation}) decides when steps run and keeps the books; this says what they do, and keeps
 * nothing.
 *
 * <p>A stream's state depends only on the order of its steps, so a processor that replays them after a failover
 * reaches the same decisions: a start is refused while its id is open under another start, every other start opens
 * it (whether the processor's own work on it succeeded or was dead-lettered), and only an end closes it.
 */
final class StepRules {

    /**
     * The largest command an instant processor's callback runs on the coordinator for. An instant callback's time and
     * its outputs' encoding grow with the chunk: chunks of text lines or tokens take microseconds, but a chunk may be a
     * megabyte, and the coordinator is one thread for every stream.
     */
    static final int INSTANT_MAX_BYTES = 8 * 1024;

    private final ProcessorCatalog catalog;
    private final ResultEncoder encoder;
    private final Clock clock;

    StepRules(ProcessorCatalog catalog, ResultEncoder encoder, Clock clock) {
        this.catalog = catalog;
        this.encoder = encoder;
        this.clock = clock;
    }

    /**
     * Nothing to do for this step: a command its stream already completed (replayed after a failover), a command of a
     * stream that has ended, or a timer that is no longer set.
     */
    static boolean alreadyDone(Step step, StoredStream stored) {
        if (step.kind() == Step.Kind.TIMER) {
            return stored == null || stored.ended() || stored.timerDueAt() != step.dueAt();
        }
        if (stored == null) {
            return false;
        }
        return step.offset() <= stored.doneThrough() || stored.ended() && step.kind() != Step.Kind.START;
    }

    /** A start of a stream that is open under another start: it gets a refusal, and changes nothing else. */
    static boolean refused(Step step, StoredStream stored) {
        return step.kind() == Step.Kind.START && stored != null && stored.isOpen()
                && !Objects.equals(stored.startId(), step.command().startId());
    }

    /** What the stream's processor sees during one attempt of the step: a fresh copy of the state before it. */
    StepContext context(String key, Step step, StoredStream stored) {
        if (step.kind() == Step.Kind.START) {
            return new StepContext(key, step.command().options(), Map.of(), clock);
        }
        return stored == null ? new StepContext(key, Map.of(), Map.of(), clock)
                : new StepContext(key, stored.options(), stored.state(), clock);
    }

    /**
     * Whether the step's outputs may be made on the coordinator's thread: it calls no processor (a refused start), or
     * an {@linkplain StreamProcessor#instant() instant} one on a command of at most {@link #INSTANT_MAX_BYTES}. An
     * unknown processor is not instant: its failure is the workers' to report, as any callback's.
     */
    boolean instant(Step step, StoredStream before, boolean refused) {
        if (refused) {
            return true;
        }
        if (step.bytes() > INSTANT_MAX_BYTES) {
            return false;
        }
        try {
            return processor(processorCalled(step, before)).instant();
        } catch (UnknownProcessorException unknown) {
            return false;
        }
    }

    /** What a step emits, in order; made on a worker, or on the coordinator for an instant step (encoding included). */
    Flux<StreamResult> outputs(String key, Step step, StoredStream before, boolean refused, StepContext context) {
        StreamCommand command = step.command();
        return switch (step.kind()) {
            case START -> refused ? Flux.just(encoder.refused(key, step.offset(), command.processor(), command.startId()))
                    : Flux.concat(Mono.just(encoder.started(key, step.offset(), command.processor(), command.startId())),
                            Flux.defer(() -> processor(processorCalled(step, before)).onStart(context))
                                    .map(output -> encoder.output(key, step.offset(), output, null)));
            case CHUNK -> processor(processorCalled(step, before))
                    .onChunk(new Chunk(step.offset(), command.data()), context)
                    .map(output -> encoder.output(key, step.offset(), output, command.idempotencyKey()));
            case END -> Flux.concat(Flux.defer(() -> processor(processorCalled(step, before)).onEnd(context))
                            .map(output -> encoder.output(key, step.offset(), output, null)),
                    Mono.just(ended(key, step)));
            case TIMER -> processor(processorCalled(step, before)).onTimer(context)
                    .map(output -> encoder.output(key, before.doneThrough(), output, null));
        };
    }

    /** What readers get in place of a step that failed after its retries. */
    StreamResult failure(String key, Step step, StoredStream before, Throwable error) {
        long seq = step.kind() == Step.Kind.TIMER && before != null ? before.doneThrough() : step.seq();
        String idempotencyKey = step.command() == null ? null : step.command().idempotencyKey();
        return encoder.error(key, seq, "processing failed: " + toReaders(error), idempotencyKey);
    }

    /**
     * What readers are told of a failure: what the processor (a {@link ProcessingFailure}) or the engine (a timeout)
     * says of it, as far as {@link Excerpts#FOR_READERS}; of anything else its class only, since its message may hold
     * what they should not see.
     */
    static String toReaders(Throwable error) {
        if (error instanceof ProcessingFailure || error instanceof StepTimeoutException) {
            return Excerpts.of(String.valueOf(error.getMessage()), Excerpts.FOR_READERS);
        }
        return error.getClass().getSimpleName();
    }

    /** The notice that an end step ended its stream, last of what it emits (also when its processor failed). */
    StreamResult ended(String key, Step step) {
        return encoder.ended(key, step.offset(), step.command().reason());
    }

    /** The processor's state a failed step leaves: the one before it (none for a start). */
    static Map<String, String> stateAfterFailure(Step step, StoredStream before) {
        return step.kind() == Step.Kind.START || before == null ? Map.of() : before.state();
    }

    /**
     * The processor whose callback the step runs: the one a start or a chunk names itself, the stream's for an end
     * (else the end's own) and for a timer.
     */
    private static String processorCalled(Step step, StoredStream before) {
        return switch (step.kind()) {
            case START, CHUNK -> step.command().processor();
            case END -> processorOf(before, step.command());
            case TIMER -> processorOf(before, null);
        };
    }

    /** The processor that runs the stream's steps: the one its start named, else the command's own. */
    static String processorOf(StoredStream stored, StreamCommand command) {
        if (stored != null && stored.processor() != null) {
            return stored.processor();
        }
        return command == null ? null : command.processor();
    }

    /** The state to store while a step is under way: the state before it, and how far readers have its outputs. */
    static StoredStream inProgress(Step step, StoredStream before, int delivered) {
        StoredStream.Progress progress = new StoredStream.Progress(step.kind().label, step.seq(), delivered);
        return before == null ? new StoredStream(null, null, null, null, -1, progress, 0, false)
                : before.withProgress(progress);
    }

    /**
     * The stream's state once the step is complete, with the processor's {@code state} after it and its {@code timer}
     * (a due time, 0 for none, or {@link StepContext#TIMER_UNCHANGED}).
     */
    static StoredStream after(Step step, StoredStream before, boolean refused, Map<String, String> state, long timer) {
        return switch (step.kind()) {
            case START -> refused ? before.withDoneThrough(step.offset())
                    : new StoredStream(step.command().startId(), step.command().processor(), step.command().options(),
                            state, step.offset(), null, timerAfter(timer, 0), false);
            case CHUNK -> before == null
                    // A chunk of a stream whose start this engine never saw (started by an older processor).
                    ? new StoredStream(null, step.command().processor(), null, state, step.offset(), null,
                            timerAfter(timer, 0), false)
                    : new StoredStream(before.startId(), before.processor(), before.options(), state,
                            step.offset(), null, timerAfter(timer, before.timerDueAt()), false);
            case END -> new StoredStream(before == null ? null : before.startId(), processorOf(before, step.command()),
                    before == null ? null : before.options(), state, step.offset(), null, 0, true);
            case TIMER -> new StoredStream(before.startId(), before.processor(), before.options(), state,
                    before.doneThrough(), null, timerAfter(timer, 0), false);
        };
    }

    /** The timer a step leaves: the one it set (0 for none), or {@code untouched} when it left the timer alone. */
    private static long timerAfter(long timer, long untouched) {
        return timer == StepContext.TIMER_UNCHANGED ? untouched : timer;
    }

    private StreamProcessor processor(String name) {
        return catalog.resolve(name);
    }
}
