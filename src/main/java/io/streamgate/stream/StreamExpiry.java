package io.streamgate.stream;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Ends streams that saw no send for the idle timeout (reason {@code idle-timeout}) and forgets ended streams
 * once their retention has passed, or sooner, oldest first, when their histories together pass the ended-history
 * budget: retention alone bounds them by time, not by how many streams end meanwhile. It also trims open streams'
 * histories and remembered Idempotency-Keys to their shares of their budgets, which shrink as streams open, and
 * forgets the send buckets of tenants gone quiet. {@link #sweep()} is one pass; {@link #run} repeats it.
 *
 * <p>Every instance forgets ended streams from its own memory, but only a stream's owner ({@link StreamOwnership})
 * ends it: idle time is read from the results log, which every instance sees alike, so without one owner each
 * instance of a cluster would write its own end marker. And only once the instance has {@link
 * ResultsVisibility#replayed() replayed} that log: before, a stream's last sends may not have been read yet, and a
 * restart that took longer to read the log than a sweep's interval ended every stream that had been open longer than
 * the idle timeout, however busy.
 */
public final class StreamExpiry {

    private static final Logger log = LoggerFactory.getLogger(StreamExpiry.class);

    private final StreamRegistry registry;
    private final StreamService service;
    private final ResultsVisibility visibility;
    private final Duration idleTimeout;
    private final long endedHistoryBudget;
    private final Clock clock;
    private final StreamOwnership ownership;

    /**
     * @param endedHistoryBudget bytes of heap that ended streams nobody is reading may hold in all, as
     *                           {@link StreamSession#heldBytes()} estimates them
     */
    public StreamExpiry(StreamRegistry registry, StreamService service, ResultsVisibility visibility,
                        Duration idleTimeout, long endedHistoryBudget, Clock clock, StreamOwnership ownership) {
        this.registry = registry;
        this.ownership = ownership;
        this.service = service;
        this.visibility = visibility;
        this.idleTimeout = idleTimeout;
        this.endedHistoryBudget = endedHistoryBudget;
        this.clock = clock;
    }

    /**
     * Sweeps every {@code interval} on {@code thread} until cancelled. A sweep walks every stream this gateway holds
     * (a quarter of a million ended ones under short-stream load took a Reactor worker for 170 ms every 10 s, the
     * workers that answer durable sends), so it is given a thread of its own.
     */
    public Flux<Long> run(Duration interval, Scheduler thread) {
        return Flux.interval(interval, interval, thread)
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
     * One pass over the streams: trims open ones to their shares of the budgets and, once the results log is
     * replayed, ends idle ones (waiting for their end markers to be durable); then forgets ended ones past their
     * retention and, while the ended ones nobody reads hold more than their budget, those that ended first; then the
     * send buckets of tenants gone quiet.
     */
    public Mono<Void> sweep() {
        return Mono.defer(() -> {
            long now = clock.millis();
            long idleBefore = now - idleTimeout.toMillis();
            boolean judgesIdleness = visibility.replayed();
            List<StreamSession> idle = new ArrayList<>();
            long held = 0;
            for (StreamSession session : registry.sessions()) {
                switch (session.state()) {
                    case OPEN -> {
                        if (judgesIdleness && ownership.owns(session.key()) && activeLast(session) <= idleBefore) {
                            idle.add(session);
                        }
                        session.trim();
                    }
                    case ENDING -> session.trim();
                    case ENDED -> held += session.readers() == 0 ? session.heldBytes() : 0;
                }
            }
            forgetEnded(now, held);
            service.forgetIdleTenants();
            return Flux.fromIterable(idle).concatMap(this::expire).then();
        });
    }

    /**
     * When the stream was last active as this owner knows it: its last send here, command read or result, and never
     * before this instance took it over.
     */
    private long activeLast(StreamSession session) {
        return Math.max(session.lastActivityMillis(), ownership.ownedSinceMillis(session.key()));
    }

    /**
     * Walks the ended streams oldest first, as far as there is something to forget. Streams being read are kept until
     * their readers leave, outside the budget meanwhile.
     */
    private void forgetEnded(long now, long held) {
        int beyondBudget = 0;
        for (Iterator<StreamSession> oldestFirst = registry.endedInOrder(); oldestFirst.hasNext(); ) {
            StreamSession session = oldestFirst.next();
            if (!registry.holds(session)) {
                oldestFirst.remove();
                continue;
            }
            if (session.readers() > 0) {
                continue;
            }
            boolean expired = registry.retentionOver(session, now);
            if (!expired && held <= endedHistoryBudget) {
                break;
            }
            held -= session.heldBytes();
            oldestFirst.remove();
            registry.forget(session);
            beyondBudget += expired ? 0 : 1;
        }
        if (beyondBudget > 0) {
            log.info("Forgot {} ended streams before their retention: the heap they held passed the ended-history"
                    + " budget", beyondBudget);
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
