package io.streamgate.stream;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.streamgate.processing.engine.StreamCommand;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Bounds the commands on their way to the log at once, in number and in the size of their chunks. When Kafka is
 * slower than the clients (a saturated or absent broker), commands past either bound are refused at once (503 with
 * {@code Retry-After}) instead of queueing without end in memory; nothing refused here was written anywhere. The
 * number alone let 4,096 chunks of 1 MB wait in a 2 GB heap, which ran out of memory (BENCHMARKS.md section 95).
 */
final class BoundedCommandLog implements CommandLog {

    private final CommandLog log;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ByteBound bytesInFlight;

    BoundedCommandLog(CommandLog log, int maxInFlight, long maxBytesInFlight) {
        this.log = log;
        this.maxInFlight = maxInFlight;
        this.bytesInFlight = new ByteBound(maxBytesInFlight);
    }

    @Override
    public Mono<Long> append(StreamCommand command) {
        return one(size(command), () -> log.append(command));
    }

    @Override
    public Mono<Long> appendRetry(StreamCommand chunk, long since) {
        return one(size(chunk), () -> log.appendRetry(chunk, since));
    }

    /** The start counts as one command: its {@code STARTED} is written beside it, not after it. */
    @Override
    public Mono<Long> appendAnnounced(StreamCommand start) {
        return one(size(start), () -> log.appendAnnounced(start));
    }

    /**
     * The command's slot is given back as its answer (its position or its failure) comes from the log, before that
     * answer goes on to the client ({@link Once} says why; given back after it, the in-flight gauge lagged the answers
     * too).
     */
    private Mono<Long> one(long bytes, Supplier<Mono<Long>> append) {
        return Mono.defer(() -> {
            CommandLogBusyException busy = admit(1, bytes);
            if (busy != null) {
                return Mono.error(busy);
            }
            Once release = release(1, bytes);
            return release.onEnd(append.get());
        });
    }

    /** A batch counts as many commands as it has, admitted all at once or not at all; freed when all are answered. */
    @Override
    public Flux<Long> appendAll(List<StreamCommand> commands) {
        return Flux.defer(() -> {
            long bytes = commands.stream().mapToLong(BoundedCommandLog::size).sum();
            CommandLogBusyException busy = admit(commands.size(), bytes);
            if (busy != null) {
                return Flux.error(busy);
            }
            Once release = release(commands.size(), bytes);
            return release.onEnd(log.appendAll(commands));
        });
    }

    /** Room for one more command now; a batch may still find less room than it needs once its body is read. */
    @Override
    public void requireRoom() {
        if (inFlight.get() >= maxInFlight) {
            throw tooMany();
        }
        if (bytesInFlight.isFull()) {
            throw tooLarge();
        }
    }

    /** Gives back one admission's slots and bytes. */
    private Once release(int commands, long bytes) {
        return new Once(() -> {
            inFlight.addAndGet(-commands);
            bytesInFlight.giveBack(bytes);
        });
    }

    /**
     * Room for {@code commands} more of {@code bytes} together, taken; null when there was, else why not (the bytes
     * as {@link ByteBound} takes them: a chunk larger than the bound alone, a command without one always).
     */
    private CommandLogBusyException admit(int commands, long bytes) {
        if (inFlight.addAndGet(commands) > maxInFlight) {
            inFlight.addAndGet(-commands);
            return tooMany();
        }
        if (!bytesInFlight.tryTake(bytes)) {
            inFlight.addAndGet(-commands);
            return tooLarge();
        }
        return null;
    }

    /** What a command's chunk holds in memory while it waits, a character counted as a byte (as ASCII is in UTF-8). */
    private static long size(StreamCommand command) {
        return command.data() == null ? 0 : command.data().length();
    }

    private CommandLogBusyException tooMany() {
        return new CommandLogBusyException(CommandLogBusyException.MAX_SENDS_IN_FLIGHT,
                maxInFlight + " commands are already waiting for Kafka; nothing was stored. Retry shortly.");
    }

    private CommandLogBusyException tooLarge() {
        return new CommandLogBusyException(CommandLogBusyException.MAX_BYTES_IN_FLIGHT, "Chunks of "
                + bytesInFlight.max() / 1024 + " KB are already waiting for Kafka; nothing was stored. Retry shortly.");
    }

    /** Commands appended and not yet answered by the log. */
    int inFlight() {
        return inFlight.get();
    }

    /** The size of their chunks, as {@link #size} counts it. */
    long bytesInFlight() {
        return bytesInFlight.held();
    }
}
