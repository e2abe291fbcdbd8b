package io.streamgate.stream;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.streamgate.processing.engine.StreamCommand;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Bounds the commands on their way to the log at once. When Kafka is slower than the clients (a saturated or
 * absent broker), commands past the bound are refused at once (503 with {@code Retry-After}) instead of queueing
 * without end in memory; nothing refused here was written anywhere.
 */
final class BoundedCommandLog implements CommandLog {

    private final CommandLog log;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();

    BoundedCommandLog(CommandLog log, int maxInFlight) {
        this.log = log;
        this.maxInFlight = maxInFlight;
    }

    @Override
    public Mono<Long> append(StreamCommand command) {
        return one(() -> log.append(command));
    }

    @Override
    public Mono<Long> appendRetry(StreamCommand chunk, long since) {
        return one(() -> log.appendRetry(chunk, since));
    }

    /** The start counts as one command: its {@code STARTED} is written beside it, not after it. */
    @Override
    public Mono<Long> appendAnnounced(StreamCommand start) {
        return one(() -> log.appendAnnounced(start));
    }

    /**
     * The command's slot is given back as its answer (its position or its failure) comes from the log, before that
     * answer goes on to the client: given back after it ({@code doFinally}), a client answered at the bound and
     * sending again at once could be refused by its own finished send, and the in-flight gauge lagged the answers.
     */
    private Mono<Long> one(Supplier<Mono<Long>> append) {
        return Mono.defer(() -> {
            if (!admit(1)) {
                return Mono.error(busy());
            }
            Slots slots = new Slots(1);
            return append.get()
                    .doOnEach(signal -> slots.release())
                    .doOnCancel(slots::release);
        });
    }

    /** A batch counts as many commands as it has, admitted all at once or not at all; freed when all are answered. */
    @Override
    public Flux<Long> appendAll(List<StreamCommand> commands) {
        return Flux.defer(() -> {
            if (!admit(commands.size())) {
                return Flux.error(busy());
            }
            Slots slots = new Slots(commands.size());
            return log.appendAll(commands)
                    .doOnTerminate(slots::release)
                    .doOnCancel(slots::release);
        });
    }

    /** Room for one more command now; a batch may still find less room than it needs once its body is read. */
    @Override
    public void requireRoom() {
        if (inFlight.get() >= maxInFlight) {
            throw busy();
        }
    }

    /** One admission's slots, given back once whichever signal comes first. */
    private final class Slots extends AtomicBoolean {

        private final int count;

        Slots(int count) {
            this.count = count;
        }

        void release() {
            if (compareAndSet(false, true)) {
                inFlight.addAndGet(-count);
            }
        }
    }

    private boolean admit(int commands) {
        if (inFlight.addAndGet(commands) > maxInFlight) {
            inFlight.addAndGet(-commands);
            return false;
        }
        return true;
    }

    private CommandLogBusyException busy() {
        return new CommandLogBusyException(
                maxInFlight + " commands are already waiting for Kafka; nothing was stored. Retry shortly.");
    }

    /** Commands appended and not yet answered by the log. */
    int inFlight() {
        return inFlight.get();
    }
}
