package io.streamgate.stream;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.streamgate.config.TenantShare;
import io.streamgate.processing.engine.StreamCommand;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Bounds the commands on their way to the log at once, in number and in the size of their chunks. When Kafka is
 * slower than the clients (a saturated or absent broker), commands past either bound are refused at once (503 with
 * {@code Retry-After}) instead of queueing without end in memory; nothing refused here was written anywhere. The
 * number alone let 4,096 chunks of 1 MB wait in a 2 GB heap, which ran out of memory (BENCHMARKS.md section 95). Each
 * tenant's commands are held to its share of the number ({@code max-sends-in-flight-per-tenant}, 429 with
 * {@code Retry-After} past it), so that one tenant's sends cannot take every place while Kafka is slow (section 112).
 */
final class BoundedCommandLog implements CommandLog {

    private final CommandLog log;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final TenantShares tenants;
    private final ByteBound bytesInFlight;

    /** {@code maxInFlight} commands for the node, {@code tenantShare} of them for any one tenant. */
    BoundedCommandLog(CommandLog log, int maxInFlight, TenantShare tenantShare, long maxBytesInFlight) {
        this.log = log;
        this.maxInFlight = maxInFlight;
        this.tenants = TenantShares.of("max-sends-in-flight-per-tenant", tenantShare, maxInFlight);
        this.bytesInFlight = new ByteBound(maxBytesInFlight);
    }

    @Override
    public Mono<Long> append(StreamCommand command) {
        return one(command, () -> log.append(command));
    }

    @Override
    public Mono<Long> appendRetry(StreamCommand chunk, long since) {
        return one(chunk, () -> log.appendRetry(chunk, since));
    }

    /** The start counts as one command: its {@code STARTED} is written beside it, not after it. */
    @Override
    public Mono<Long> appendAnnounced(StreamCommand start) {
        return one(start, () -> log.appendAnnounced(start));
    }

    /**
     * The command's slot is given back as its answer (its position or its failure) comes from the log, before that
     * answer goes on to the client ({@link Once} says why; given back after it, the in-flight gauge lagged the answers
     * too).
     */
    private Mono<Long> one(StreamCommand command, Supplier<Mono<Long>> append) {
        return Mono.defer(() -> {
            String tenant = tenantOf(command);
            long bytes = size(command);
            RuntimeException refused = admit(tenant, 1, bytes);
            if (refused != null) {
                return Mono.error(refused);
            }
            Once release = release(tenant, 1, bytes);
            return release.onEnd(append.get());
        });
    }

    /** A batch counts as many commands as it has, admitted all at once or not at all; freed when all are answered. */
    @Override
    public Flux<Long> appendAll(List<StreamCommand> commands) {
        return Flux.defer(() -> {
            String tenant = commands.isEmpty() ? "" : tenantOf(commands.get(0)); // a batch is one stream's
            long bytes = commands.stream().mapToLong(BoundedCommandLog::size).sum();
            RuntimeException refused = admit(tenant, commands.size(), bytes);
            if (refused != null) {
                return Flux.error(refused);
            }
            Once release = release(tenant, commands.size(), bytes);
            return release.onEnd(log.appendAll(commands));
        });
    }

    /**
     * Room for one more command of {@code tenant} now; a batch may still find less room than it needs once its body
     * is read.
     */
    @Override
    public void requireRoom(String tenant) {
        if (inFlight.get() >= maxInFlight) {
            throw tooMany();
        }
        if (bytesInFlight.isFull()) {
            throw tooLarge();
        }
        if (!tenants.hasRoomForOne(tenant)) {
            throw pastTheShare(tenant);
        }
    }

    /** Gives back one admission's slots and bytes. */
    private Once release(String tenant, int commands, long bytes) {
        return new Once(() -> {
            inFlight.addAndGet(-commands);
            tenants.giveBack(tenant, commands);
            bytesInFlight.giveBack(bytes);
        });
    }

    /**
     * Room for {@code commands} more of {@code bytes} together, taken; null when there was, else why not (the bytes
     * as {@link ByteBound} takes them: a chunk larger than the bound alone, a command without one always). The
     * node's bounds first, so that a node with no room says so (503) whoever asks.
     */
    private RuntimeException admit(String tenant, int commands, long bytes) {
        if (inFlight.addAndGet(commands) > maxInFlight) {
            inFlight.addAndGet(-commands);
            return tooMany();
        }
        if (!bytesInFlight.tryTake(bytes)) {
            inFlight.addAndGet(-commands);
            return tooLarge();
        }
        if (!tenants.tryTake(tenant, commands)) {
            inFlight.addAndGet(-commands);
            bytesInFlight.giveBack(bytes);
            return pastTheShare(tenant);
        }
        return null;
    }

    /** The tenant of a command: its key's part before the separator, none on an open gateway ({@link StreamKey}). */
    private String tenantOf(StreamCommand command) {
        return tenants.counted() ? StreamKey.tenantOf(command.streamId()) : "";
    }

    /** What a command's chunk holds in memory while it waits, a character counted as a byte (as ASCII is in UTF-8). */
    private static long size(StreamCommand command) {
        return command.data() == null ? 0 : command.data().length();
    }

    private CommandLogBusyException tooMany() {
        return new CommandLogBusyException(CommandLogBusyException.MAX_SENDS_IN_FLIGHT,
                maxInFlight + " commands are already waiting for Kafka; nothing was stored. Retry shortly.");
    }

    private LimitExceededException pastTheShare(String tenant) {
        return tenants.refusal("Your " + tenants.held(tenant) + " commands are already waiting for Kafka on this node;"
                + " nothing was stored. Retry shortly.");
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
