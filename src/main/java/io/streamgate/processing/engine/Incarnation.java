package io.streamgate.processing.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * One run of the engine on one connection to the log, from its first assignment until it fails or is stopped; a
 * failed one is replaced by a new one, which starts again from what the logs hold.
 *
 * <p>Everything it keeps (partitions, streams, what is due in the next commit) belongs to the coordinator's one thread:
 * log events, outputs, completions and commit outcomes all arrive there. Processors' callbacks run on the workers, so
 * the coordinator only keeps books and stays cheap per output; an instant processor's callbacks
 * ({@link io.streamgate.processing.StreamProcessor#instant()}) cost it less than the hand-offs to a worker and back
 * would, and run on it. {@link StepRules} says what each step means for its stream.
 */
final class Incarnation implements StepRun.Reports {

    private static final Logger log = LoggerFactory.getLogger(Incarnation.class);

    private final ProcessingLog.Connection connection;
    private final StepRules rules;
    private final EngineSettings settings;
    private final Clock clock;
    private final ProcessingMetrics metrics;
    private final StepRun.Runtime runtime;

    private final Map<Integer, PartitionWork> partitions = new HashMap<>();
    /** The latest revoked epoch of each partition: commands of it or older that arrive late are stale. */
    private final Map<Integer, Long> revokedEpochs = new HashMap<>();
    /** Partitions assigned and waiting for their restore, which {@link #restoreNext} does one at a time. */
    private final Queue<PartitionWork> toRestore = new ArrayDeque<>();
    private boolean restoreUnderWay;
    private final Outcomes outcomes = new Outcomes();
    private final ReadRoom room;
    private final OutputRoom outputRoom;
    private final StreamActivity activity;
    private final EventSubscriber events = new EventSubscriber();
    private MonoSink<Void> done;
    private boolean committing;
    private boolean confirming;
    private boolean stopped;

    Incarnation(ProcessingLog.Connection connection, StepRules rules, EngineSettings settings, Clock clock,
                ProcessingMetrics metrics, StepRun.Runtime runtime, StreamActivity activity) {
        this.connection = connection;
        this.activity = activity;
        this.rules = rules;
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
        this.runtime = runtime;
        this.room = new ReadRoom(settings, connection, partitions);
        this.outputRoom = new OutputRoom(settings.maxPendingBytes(), outcomes);
    }

    /** Runs until the connection fails (the returned Mono fails) or the subscription is cancelled. */
    Mono<Void> run() {
        return Mono.create(sink -> {
            runtime.onCoordinator(() -> {
                done = sink;
                connection.events().publishOn(runtime.coordinator()).subscribe(events);
            });
            sink.onDispose(() -> runtime.onCoordinator(this::stop));
        });
    }

    // ---- the log's events

    private void onEvent(LogEvent event) {
        room.eventArrived();
        if (event instanceof LogEvent.Received received) {
            received(received);
        } else if (event instanceof LogEvent.Revoked revoked) {
            revoked(revoked.partition(), revoked.epoch());
        } else {
            current(event.partition(), event.epoch());
        }
        requestMore();
    }

    /** The partition's work in {@code epoch}: created (and restored) for a newer epoch; null for a stale one. */
    private PartitionWork current(int partition, long epoch) {
        if (epoch <= revokedEpochs.getOrDefault(partition, -1L)) {
            return null;
        }
        PartitionWork work = partitions.get(partition);
        if (work != null && work.epoch >= epoch) {
            return work.epoch == epoch ? work : null;
        }
        if (work != null) {
            abandon(work);
        }
        log.info("Partition {} assigned (assignment {}); restoring its streams", partition, epoch);
        PartitionWork fresh = new PartitionWork(partition, epoch, runtime.stateRoom());
        partitions.put(partition, fresh);
        connection.resume(partition); // whatever an earlier assignment of it left paused
        toRestore.add(fresh);
        restoreNext();
        return fresh;
    }

    /**
     * Restores the next partition waiting, unless one is under way: a restore holds what it reads of its partition
     * (each stream's latest record as stored, and what the log's client fetches) beside the states already held, and
     * a processor taking over its peers' partitions, restoring them all at once, ran out of memory with room for them
     * all restored (BENCHMARKS.md section 117). Their commands wait meanwhile, within the read room.
     */
    private void restoreNext() {
        if (restoreUnderWay) {
            return;
        }
        PartitionWork work = toRestore.poll();
        while (work != null && work.abandoned) { // revoked, or assigned anew, while it waited
            work = toRestore.poll();
        }
        if (work == null) {
            return;
        }
        restoreUnderWay = true;
        PartitionWork restoring = work;
        connection.restore(restoring.partition)
                .publishOn(runtime.coordinator())
                .subscribe(states -> {
                    restoreUnderWay = false;
                    restored(restoring, states);
                    restoreNext();
                }, this::fail);
    }

    private void revoked(int partition, long epoch) {
        revokedEpochs.merge(partition, epoch, Math::max);
        PartitionWork work = partitions.get(partition);
        log.info("Partition {} revoked (assignment {})", partition, epoch);
        if (work != null && work.epoch <= epoch) {
            partitions.remove(partition);
            abandon(work);
        }
    }

    private void received(LogEvent.Received received) {
        PartitionWork work = current(received.partition(), received.epoch());
        if (work == null || work.offsets.alreadyReceived(received.offset())) {
            return; // a stale or repeated record of an earlier assignment
        }
        if (received.command() != null) {
            activity.commandRead(received.command().streamId());
        }
        room.commandRead(work, received.bytes());
        if (work.restoring) {
            work.waiting.add(received);
        } else {
            accept(work, received);
        }
        room.pauseIfFull(work);
    }

    private void restored(PartitionWork work, Map<String, StoredStream> states) {
        if (work.abandoned) {
            return;
        }
        states.forEach((key, stored) -> {
            StreamWork stream = new StreamWork(key);
            work.store(stream, stored);
            work.streams.put(key, stream);
            if (stored.ended()) {
                work.ended.add(stream);
            }
            armTimer(work, stream);
        });
        work.restoring = false;
        log.info("Partition {} restored: {} streams", work.partition, states.size());
        work.waiting.forEach(received -> accept(work, received));
        work.waiting.clear();
        triggerCommit();
    }

    private void accept(PartitionWork work, LogEvent.Received received) {
        work.offsets.received(received.offset());
        StreamCommand command = received.command();
        if (command == null) {
            commandDone(work, null, received.offset(), received.bytes()); // not a command: passed over
            return;
        }
        StreamWork stream = work.streams.computeIfAbsent(command.streamId(), StreamWork::new);
        stream.queue.add(Step.of(received.offset(), command, received.bytes()));
        schedule(work, stream);
    }

    // ---- running steps, one per stream at a time, a bounded number per partition

    private void schedule(PartitionWork work, StreamWork stream) {
        if (stream.running != null || stream.queue.isEmpty() || stream.waitingForSlot) {
            return;
        }
        if (work.busy < settings.maxConcurrentStreams()) {
            startNext(work, stream);
        } else {
            stream.waitingForSlot = true;
            work.ready.add(stream);
        }
    }

    private void startNext(PartitionWork work, StreamWork stream) {
        Step step;
        while ((step = stream.queue.peek()) != null && StepRules.alreadyDone(step, stream.stored)) {
            stream.queue.poll();
            if (step.isCommand()) {
                commandDone(work, stream, step.offset(), step.bytes());
            } else {
                stream.timerQueued = false;
            }
        }
        if (step == null) {
            return;
        }
        stream.queue.poll();
        if (step.kind() == Step.Kind.TIMER) {
            stream.timerQueued = false;
        }
        StoredStream stored = stream.stored;
        boolean refused = StepRules.refused(step, stored);
        Step running = step;
        StepRun run = new StepRun(work, stream, step, refused, rules.instant(step, stored, refused),
                () -> rules.context(stream.key, running, stored),
                context -> rules.outputs(stream.key, running, stored, refused, context), runtime, this);
        stream.running = run;
        work.busy++;
        run.start();
    }

    @Override
    public void output(StepRun run, StreamResult result) {
        PartitionWork work = run.partition;
        if (confirmedAhead(run, result)) {
            work.awaitConfirmation(run.stream.key, run.step.offset());
            outcomes.confirmation(work, result);
            confirmStarts();
        } else {
            long bytes = outcomes.result(work, result);
            if (result.kind() == StreamResult.Kind.RESULT) { // the processor's, not the engine's own
                outputRoom.took(run, bytes);
                metrics.resultEmitted();
            }
        }
        outcomes.state(work, run.stream.key, StepRules.inProgress(run.step, run.before, run.delivered()));
        triggerCommit();
    }

    /**
     * Whether {@code result} is a new stream's STARTED that is written at once, ahead of what the start did
     * (confirmStarts says why); an announced start's is a repeat, and goes in the transaction as any result.
     */
    private static boolean confirmedAhead(StepRun run, StreamResult result) {
        return result.kind() == StreamResult.Kind.STARTED && run.before == null && !run.step.command().announced();
    }

    @Override
    public void completed(StepRun run, StoredStream after) {
        finish(run, after);
    }

    /**
     * The step failed after its retries: readers get an error result in its place, the dead-letter log gets the step,
     * and the stream goes on from the state before it (an end still ends it).
     */
    @Override
    public void failed(StepRun run, Throwable error) {
        Step step = run.step;
        String key = run.stream.key;
        String processor = run.processor;
        String message = forOperators(error);
        log.warn("Processor '{}' failed on stream {} at {} {} after {} attempts: {}", processor, key,
                step.kind().label, step.seq(), run.attempts(), message);
        metrics.deadLettered(String.valueOf(processor));
        PartitionWork work = run.partition;
        outcomes.result(work, run.traced(rules.failure(key, step, run.before, error)));
        run.deliveredOne();
        outcomes.deadLetter(work, new DeadLetter(key, step.seq(), step.kind().label, processor,
                step.command() == null ? null : step.command().data(), message, run.attempts()));
        if (step.kind() == Step.Kind.END) {
            outcomes.result(work, run.traced(rules.ended(key, step)));
            run.deliveredOne();
        }
        finish(run, StepRules.after(step, run.before, run.refusedStart, StepRules.stateAfterFailure(step, run.before),
                StepContext.TIMER_UNCHANGED));
    }

    /**
     * A failure as the log and the dead letter tell it: its class and message, then its causes' (a ProcessingFailure
     * tells readers what went wrong; what lies under it is for operators), at most three of them, as far as
     * {@link Excerpts#FOR_OPERATORS}.
     */
    private static String forOperators(Throwable error) {
        StringBuilder message = new StringBuilder();
        Throwable each = error;
        for (int depth = 0; each != null && depth <= 3; depth++, each = each.getCause()) {
            message.append(depth == 0 ? "" : "; caused by ").append(each.getClass().getSimpleName())
                    .append(each.getMessage() == null ? "" : ": " + each.getMessage());
        }
        return Excerpts.of(message.toString(), Excerpts.FOR_OPERATORS);
    }

    @Override
    public void broken(Throwable error) {
        fail(error);
    }

    @Override
    public boolean roomToBegin(StepRun run) {
        return outputRoom.begin(run);
    }

    @Override
    public boolean roomForOutputs(StepRun run) {
        return outputRoom.take(run);
    }

    @Override
    public void attemptEnded(StepRun run, boolean completed) {
        outputRoom.ended(run, completed);
    }

    @Override
    public void retrying(StepRun run, Throwable error) {
        String processor = run.processor;
        log.debug("Processor '{}' failed on stream {} at {} {}; trying again", processor, run.stream.key,
                run.step.kind().label, run.step.seq(), error);
        metrics.retried(String.valueOf(processor));
    }

    private void finish(StepRun run, StoredStream after) {
        PartitionWork work = run.partition;
        StreamWork stream = run.stream;
        work.store(stream, after);
        stream.running = null;
        work.busy--;
        if (after.ended()) {
            work.ended.add(stream);
        }
        outcomes.state(work, stream.key, after);
        if (run.step.isCommand()) {
            metrics.stepCompleted();
            commandDone(work, stream, run.step.offset(), run.step.bytes());
        }
        armTimer(work, stream);
        if (!stream.queue.isEmpty()) {
            stream.waitingForSlot = true;
            work.ready.add(stream);
        }
        while (work.busy < settings.maxConcurrentStreams() && !work.ready.isEmpty()) {
            StreamWork next = work.ready.poll();
            next.waitingForSlot = false;
            schedule(work, next);
        }
        triggerCommit();
    }

    /**
     * A command is done; it keeps its room until the transaction with what it did commits ({@link #committed}), and
     * one of a stream not yet confirmed until its confirmation is written, first ({@link #confirmed}).
     */
    private void commandDone(PartitionWork work, StreamWork stream, long offset, int bytes) {
        work.offsets.done(offset);
        work.done(stream, bytes);
        triggerCommit();
    }

    /** The transaction under way committed: the commands in it give their room back. */
    private void committed() {
        for (PartitionWork work : partitions.values()) {
            room.committed(work, work.transactionCommitted());
        }
        outcomes.transactionCommitted();
        outputRoom.freed();
        confirmStarts();
        requestMore();
    }

    // ---- timers

    private void armTimer(PartitionWork work, StreamWork stream) {
        if (stream.timer != null) {
            stream.timer.dispose();
            stream.timer = null;
        }
        StoredStream stored = stream.stored;
        if (stored == null || stored.ended() || stored.timerDueAt() <= 0 || stream.timerQueued) {
            return;
        }
        long due = stored.timerDueAt();
        stream.timer = runtime.timers().schedule(() -> runtime.onCoordinator(() -> timerDue(work, stream, due)),
                Math.max(0, due - clock.millis()), TimeUnit.MILLISECONDS);
    }

    private void timerDue(PartitionWork work, StreamWork stream, long due) {
        if (work.abandoned || stream.stored == null || stream.stored.timerDueAt() != due || stream.timerQueued) {
            return;
        }
        stream.timerQueued = true;
        stream.queue.add(Step.timer(due));
        schedule(work, stream);
    }

    // ---- starts' confirmations, and commits: one of each at a time; what accumulates meanwhile goes in the next

    /*
     * A new stream's start is confirmed ahead of the transactions that record what it did. Its STARTED is the decision
     * gateways answer the start on, and any gateway serves the stream once it reads it; written inside a transaction
     * it waited for the transaction under way and then for its own (two thirds of a start's time in the server under
     * load, BENCHMARKS.md section 45), and written between transactions it held up every commit behind its write
     * (section 46). The decision is a function of the starts and ends of the stream's id in its partition's order, so a
     * processor that replays the start after a failure decides the same, and confirms it again: a repeated STARTED,
     * which gateways pass over. Only a stream with nothing before it here (no stored state) is confirmed so, and it is
     * written while transactions go on: nothing of that stream is in them, and until the log holds the confirmation,
     * nothing the stream did is committed, nor its partition's position past its start (PartitionWork.unconfirmed). A
     * stream forgotten in the transaction under way is the exception: its new start is confirmed once that
     * transaction commits, so that the confirmation follows the old stream's end in the results log. An announced
     * start (a generated id) is not confirmed so: its gateway wrote a STARTED beside it and answered on that, so this
     * one only repeats it, and goes in the transaction with the rest (it still opens the stream for gateways if the
     * gateway died between its two writes).
     */

    private void confirmStarts() {
        if (confirming || stopped) {
            return;
        }
        List<StartConfirmation> confirmations = outcomes.drainConfirmations();
        if (confirmations.isEmpty()) {
            return;
        }
        confirming = true;
        connection.confirmStarts(confirmations)
                .publishOn(runtime.coordinator())
                .doOnSuccess(done -> {
                    confirming = false;
                    if (stopped) {
                        return;
                    }
                    confirmations.forEach(this::confirmed);
                    triggerCommit(); // what the confirmed starts did may go now
                    confirmStarts();
                })
                .subscribe(null, this::fail);
    }

    private void confirmed(StartConfirmation confirmation) {
        PartitionWork work = partitions.get(confirmation.partition());
        if (work != null && work.epoch == confirmation.epoch()) {
            work.confirmed(confirmation.started().streamId());
        }
    }

    private void triggerCommit() {
        if (committing || stopped) {
            return;
        }
        partitions.values().forEach(PartitionWork::transactionStarts);
        Transaction transaction = outcomes.drain(partitions.values());
        if (transaction == null) {
            committed(); // nothing to write: what the commands done did is nothing to wait for
            return;
        }
        committing = true;
        long startedNanos = System.nanoTime();
        connection.commit(transaction)
                .publishOn(runtime.coordinator())
                // In an operator, not in subscribe's completion callback: what that callback throws, Reactor only
                // logs as dropped, and this incarnation would never commit again; thrown here, it fails the
                // incarnation, which starts over from the logs.
                .doOnSuccess(done -> {
                    metrics.committed(Duration.ofNanos(System.nanoTime() - startedNanos), transaction.results());
                    committing = false;
                    committed();
                    triggerCommit();
                })
                .subscribe(null, this::fail);
    }

    // ---- reading as far as there is room

    private void requestMore() {
        long more = stopped ? 0 : room.toRequest();
        if (more > 0) {
            events.request(more);
        }
    }

    private void abandon(PartitionWork work) {
        room.abandoning(work);
        work.abandon();
        outcomes.drop(work);
        requestMore();
    }

    private void fail(Throwable error) {
        if (stopped) {
            return;
        }
        stop();
        done.error(error);
    }

    private void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        events.dispose();
        outputRoom.clear(); // first, so that no run waiting for room begins as the others are cancelled
        partitions.values().forEach(PartitionWork::abandon);
        partitions.clear();
    }

    private final class EventSubscriber extends BaseSubscriber<LogEvent> {

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            requestMore(); // and from then on, as room allows
        }

        @Override
        protected void hookOnNext(LogEvent event) {
            if (!stopped) {
                onEvent(event);
            }
        }

        @Override
        protected void hookOnError(Throwable error) {
            fail(error);
        }

        @Override
        protected void hookOnComplete() {
            fail(new IllegalStateException("The requests log ended"));
        }
    }
}
