package io.streamgate.stream;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Ends streams that saw no send for the idle timeout (reason {@code idle-timeout}) and forgets ended streams
 * once their retention has passed, or sooner, oldest first, when their histories together pass the ended-history
 * budget: retention alone bounds them by time, not by how many streams end meanwhile. It also trims open streams'
 * histories to their share of the history budget, which shrinks as streams open. {@link #sweep()} is one pass;
 * {@link #run} repeats it.
 *
 * <p>Every instance forgets ended streams from its own memory, but only a stream's owner ({@link StreamOwnership})
 * ends it: idle time is read from the results log, which every instance sees alike, so without one owner each
 * instance of a cluster would write its own end marker.
 */
public final class StreamExpiry {

    private static final Logger log = LoggerFactory.getLogger(StreamExpiry.class);

    private final StreamRegistry registry;
    private final StreamService service;
    private final Duration idleTimeout;
    private final Duration endedRetention;
    private final long endedHistoryBudget;
    private final Clock clock;
    private final StreamOwnership ownership;

    /**
     * @param endedHistoryBudget bytes of heap that ended streams nobody is reading may hold in all, as
     *                           {@link StreamSession#heldBytes()} estimates them
     */
    public StreamExpiry(StreamRegistry registry, StreamService service, Duration idleTimeout,
                        Duration endedRetention, long endedHistoryBudget, Clock clock, StreamOwnership ownership) {
        this.registry = registry;
        this.ownership = ownership;
        this.service = service;
        this.idleTimeout = idleTimeout;
        this.endedRetention = endedRetention;
        this.endedHistoryBudget = endedHistoryBudget;
        this.clock = clock;
    }

    /** Sweeps every {@code interval} until cancelled. */
    public Flux<Long> run(Duration interval) {
        return Flux.interval(interval, interval)
                .onBackpressureDrop()
                .concatMap(tick -> sweep().onErrorResume(e -> {
                    log.warn("Stream expiry sweep failed; trying again next time", e);
                    return Mono.empty();
                }).thenReturn(tick));
    }

    /** How often to sweep so a stream outlives its timeout by at most a tenth of it (within 0.1 s to 10 s). */
    public Duration sweepInterval() {
        long millis = Math.max(100, Math.min(10_000, idleTimeout.toMillis() / 10));
        return Duration.ofMillis(millis);
    }

    /**
     * One pass: ends idle streams (waiting for their end markers to be durable), forgets expired ones, then the
     * oldest ended ones beyond the budget, and trims open ones to their share of theirs.
     */
    public Mono<Void> sweep() {
        long now = clock.millis();
        long idleBefore = now - idleTimeout.toMillis();
        long endedBefore = now - endedRetention.toMillis();
        return Flux.fromIterable(registry.sessions())
                .concatMap(session -> switch (session.state()) {
                    case OPEN -> session.lastActivityMillis() <= idleBefore && ownership.owns(session.key())
                            ? expire(session) : Mono.<Void>empty();
                    case ENDED -> {
                        if (session.endedAtMillis() <= endedBefore && session.readers() == 0) {
                            registry.forget(session);
                        }
                        yield Mono.<Void>empty();
                    }
                    case ENDING -> Mono.<Void>empty();
                })
                .then(Mono.fromRunnable(() -> {
                    forgetEndedBeyondBudget();
                    registry.trimHistories();
                }));
    }

    /** Streams being read are kept until their readers leave; they do not count against the budget meanwhile. */
    private void forgetEndedBeyondBudget() {
        List<StreamSession> unread = registry.sessions().stream()
                .filter(session -> session.state() == StreamSession.State.ENDED && session.readers() == 0)
                .toList();
        long held = unread.stream().mapToLong(StreamSession::heldBytes).sum();
        if (held <= endedHistoryBudget) {
            return; // the usual sweep: no need to order them
        }
        List<StreamSession> endedFirst = unread.stream()
                .sorted(Comparator.comparingLong(StreamSession::endedAtMillis))
                .toList();
        int forgotten = 0;
        for (StreamSession session : endedFirst) {
            if (held <= endedHistoryBudget) {
                break;
            }
            held -= session.heldBytes();
            registry.forget(session);
            forgotten++;
        }
        if (forgotten > 0) {
            log.info("Forgot {} ended streams before their retention: the heap they held passed the ended-history"
                    + " budget", forgotten);
        }
    }

    private Mono<Void> expire(StreamSession session) {
        log.info("Ending stream {} after {} without a send", session.id(), idleTimeout);
        return service.end(session, StreamService.ENDED_BY_IDLE_TIMEOUT)
                .onErrorResume(StreamConflictException.class, e -> Mono.empty()) // ended meanwhile
                .onErrorResume(e -> {
                    log.warn("Could not end idle stream {} yet; trying again next sweep: {}", session.id(), e.toString());
                    return Mono.empty();
                });
    }
}
