package io.streamgate.stream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.streamgate.logging.ThrottledLogLine;
import io.streamgate.processing.engine.StreamResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import reactor.core.scheduler.Schedulers;

/**
 * The streams this gateway knows. Kafka is the record: {@link #apply} replays the results log into it at start-up
 * and keeps it current afterwards, so a restarted gateway knows every stream and its recent results again.
 */
public final class StreamRegistry {

    private static final Logger log = LoggerFactory.getLogger(StreamRegistry.class);
    /** The text a registry {@link #withoutResults} gives each result in place of its own. */
    private static final String NOT_KEPT = "{}";
    /** The most Idempotency-Keys a stream remembers, fewer when its share of the budget is less. */
    private static final int IDEMPOTENCY_KEYS_PER_STREAM = 1024;

    /** A line each result of a foreign producer on the results topic would write: one a window. */
    private final ThrottledLogLine invalidStreamKey = new ThrottledLogLine(log, Level.WARN, Schedulers.parallel());
    private final ConcurrentHashMap<StreamKey, StreamSession> sessions = new ConcurrentHashMap<>();
    /**
     * Starts of this node still waiting for their own decision while another stream of the same id holds its key: one
     * whose start reached the processor first. It may still end before the processor takes this node's start, so only
     * that start's own decision settles it (its {@code STARTED} or its {@code START_REFUSED}).
     */
    private final ConcurrentHashMap<StreamKey, StreamSession> waitingStarts = new ConcurrentHashMap<>();
    /**
     * Ended streams in the order they ended (the results log's), so the oldest are forgotten first without sorting a
     * quarter of a million of them (BENCHMARKS.md section 64). A stream forgotten otherwise (replaced by a new start of
     * its id) stays here until it is the oldest.
     */
    private final Queue<StreamSession> endedInOrder = new ConcurrentLinkedQueue<>();
    /**
     * Streams not yet ended, per tenant and in all; kept in step with every state change below. A tenant with none
     * open has no entry: tenants come and go (under OIDC every subject is one), so entries kept at zero would grow
     * with every tenant ever seen.
     */
    private final ConcurrentHashMap<String, Integer> openByTenant = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    /** Open streams that remember Idempotency-Keys: only they share idempotency-budget ({@link IdempotencyKeys}). */
    private final AtomicInteger openWithKeys = new AtomicInteger();
    private final int historyLimit;
    private final long historyBytes;
    private final HistoryBudget historyBudget;
    private final HistoryBudget idempotencyBudget;
    private final long endedRetentionMillis;
    private final Clock clock;
    /** Whether a result's text is kept, or only its place in the stream ({@link #withoutResults}). */
    private final boolean keepsResults;

    /**
     * @param historyLimit      the most results held per stream for late and resuming readers
     * @param historyBytes      the most bytes of results held per stream (UTF-8, as readers get them)
     * @param historyBudget     the most heap all open streams' results take together (their text and what holding
     *                          it costs, {@link ResultLog#heldBytes()})
     * @param idempotencyBudget the most heap all open streams' remembered Idempotency-Keys take together
     *                          ({@link IdempotencyKeys#heldBytes()}), shared by the streams that remember any
     * @param endedRetention    how long an ended stream is kept from when its end was written; the expiry sweep
     *                          forgets it then, and an end read already older (a restart's replay) is not kept at all
     */
    public StreamRegistry(int historyLimit, long historyBytes, long historyBudget, long idempotencyBudget,
                          Duration endedRetention, Clock clock) {
        this(historyLimit, historyBytes, historyBudget, idempotencyBudget, endedRetention, clock, true);
    }

    /**
     * A registry for an instance with no readers (a processor-only one): it follows the open streams, when each was
     * last active and the id of its newest result, and keeps no result's text; an ended stream is forgotten at once.
     * Each open stream's newest result, kept whole, took up to {@code history-size} of its heap, for nothing.
     */
    public static StreamRegistry withoutResults(Clock clock) {
        return new StreamRegistry(1, Long.MAX_VALUE, Long.MAX_VALUE, 0, Duration.ZERO, clock, false);
    }

    private StreamRegistry(int historyLimit, long historyBytes, long historyBudget, long idempotencyBudget,
                           Duration endedRetention, Clock clock, boolean keepsResults) {
        this.keepsResults = keepsResults;
        this.historyLimit = historyLimit;
        this.historyBytes = historyBytes;
        this.historyBudget = new HistoryBudget(historyBudget, open::get);
        this.idempotencyBudget = new HistoryBudget(idempotencyBudget, openWithKeys::get);
        this.endedRetentionMillis = endedRetention.toMillis();
        this.clock = clock;
    }

    /**
     * A new open session for {@code key}, or {@code null} when the key is taken. Refuses when the tenant already has
     * as many streams open as {@code limits} allow it, or all tenants together as many as they allow in all (counted
     * first, so concurrent starts cannot overshoot).
     */
    StreamSession reserve(StreamKey key, String startId, String processor, StreamLimits limits) {
        int openOfTenant = opened(key.tenant());
        if (openOfTenant > limits.openStreamsPerTenant()) {
            closed(key.tenant());
            throw new LimitExceededException("open-streams-per-tenant",
                    "You already have " + limits.openStreamsPerTenant() + " open streams; end one first", null);
        }
        if (open.get() > limits.openStreams()) {
            closed(key.tenant());
            throw new TooManyStreamsException(limits.openStreams());
        }
        StreamSession session = newSession(key, startId, processor, clock.instant());
        if (waitingStarts.containsKey(key) || sessions.putIfAbsent(key, session) != null) {
            closed(key.tenant());
            return null;
        }
        return session;
    }

    void forget(StreamSession session) {
        boolean held = sessions.remove(session.key(), session) || waitingStarts.remove(session.key(), session);
        if (held && session.state() != StreamSession.State.ENDED) {
            closed(session);
        }
    }

    /** Counts a stream open, for the limits and the budgets' shares; the tenant's count after it. */
    private int opened(String tenant) {
        open.incrementAndGet();
        return openByTenant.merge(tenant, 1, Integer::sum);
    }

    /** A stream that was open is no longer: uncounted, and out of the Idempotency-Keys' sharers if it was one. */
    private void closed(StreamSession session) {
        closed(session.key().tenant());
        session.idempotencyKeys().close();
    }

    private void closed(String tenant) {
        open.decrementAndGet();
        openByTenant.computeIfPresent(tenant, (ignored, count) -> count == 1 ? null : count - 1);
    }

    public Optional<StreamSession> find(StreamKey key) {
        return Optional.ofNullable(sessions.get(key));
    }

    /** The session of {@code key}; another tenant's stream of the same id is, to this tenant, not found. */
    StreamSession require(StreamKey key) {
        StreamSession session = sessions.get(key);
        if (session == null) {
            throw new StreamNotFoundException(key.id());
        }
        return session;
    }

    public Collection<StreamSession> sessions() {
        return Collections.unmodifiableCollection(sessions.values());
    }

    /**
     * Ended streams in the order they ended, oldest first, some perhaps forgotten since ({@link #holds}); removing one
     * takes it out of that order only. For one caller at a time (the expiry sweep).
     */
    Iterator<StreamSession> endedInOrder() {
        return endedInOrder.iterator();
    }

    /** Whether {@code session} is the one held for its key: not forgotten, not replaced by a new start of its id. */
    boolean holds(StreamSession session) {
        return sessions.get(session.key()) == session;
    }

    public long openStreams() {
        return open.get();
    }

    /** The heap each open stream's results may take now: its share of the history budget. */
    public long historyShareBytes() {
        return historyBudget.heldBytesPerStream();
    }

    /**
     * The Idempotency-Keys each open stream that remembers any keeps now at most: fewer than 1,024 once its share is
     * less.
     */
    public int idempotencyKeysShare() {
        return IdempotencyKeys.keysWithin(IDEMPOTENCY_KEYS_PER_STREAM, idempotencyBudget.heldBytesPerStream());
    }

    /** Tenants with a stream open: only they are counted per tenant. */
    int tenantsWithOpenStreams() {
        return openByTenant.size();
    }

    /** Ends every reader's response with a reconnect event; called once, when this gateway shuts down. */
    public void disconnectReaders() {
        sessions.values().forEach(StreamSession::disconnectReaders);
    }

    /**
     * Applies one record of the results log, at {@code position} in it (its event id). Called from the results feed's
     * single thread, in log order.
     */
    public void apply(StreamResult result, long position, long timestampMillis) {
        StreamKey id;
        try {
            id = StreamKey.parse(result.streamId());
        } catch (InvalidRequestException e) {
            invalidStreamKey.log("Ignoring a result for an invalid stream key");
            return;
        }
        switch (result.kind()) {
            case STARTED -> started(id, result, timestampMillis);
            case START_REFUSED -> startRefused(id, result);
            case RESULT -> withSession(id, result, session -> {
                session.touchAtLeast(timestampMillis); // after a restart, idle time counts from the last chunk
                if (result.idempotencyKey() != null) {
                    session.idempotencyKeys().stored(result.idempotencyKey(), result.seq());
                }
                session.appendResult(keepsResults
                        ? new ResultEvent(ResultEvent.Kind.RESULT, position, result.json(), result.trace())
                        : new ResultEvent(ResultEvent.Kind.RESULT, position, NOT_KEPT, null));
            });
            case ENDED -> withSession(id, result, session -> {
                long endedAt = endedAt(timestampMillis);
                if (session.end(new ResultEvent(ResultEvent.Kind.END, position, result.json(), result.trace()),
                        result.reason(), endedAt)) {
                    closed(session);
                    if (retentionOver(session, clock.millis())) {
                        forget(session); // a restart's replay: kept no longer than its retention, here none is left
                    } else {
                        endedInOrder.add(session);
                    }
                }
            });
        }
    }

    /**
     * This instance's processor read a command of the stream at {@code atMillis}: the stream was active then, whatever
     * results the command yields (a filter's chunk may yield none) and whichever gateway it came through. The owner's
     * idle expiry counts from it.
     */
    public void commandRead(String streamId, long atMillis) {
        StreamKey id;
        try {
            id = StreamKey.parse(streamId);
        } catch (InvalidRequestException e) {
            return; // never started: no stream to keep active
        }
        StreamSession session = sessions.get(id);
        if (session != null) {
            session.touchAtLeast(atMillis);
        }
    }

    /** Whether an ended stream's retention is over at {@code nowMillis}, counted from when its end was written. */
    boolean retentionOver(StreamSession session, long nowMillis) {
        return session.endedAtMillis() <= nowMillis - endedRetentionMillis;
    }

    /**
     * When a stream ended, for its retention: when its end was written, so that a restarted gateway replaying the log
     * does not keep an end of days ago (counted from the replay, it was held and readable for another hour, and every
     * ended stream of the replayed log waited in the heap for the budget to push it out). Never later than now: a
     * writer's clock ahead of this one's does not lengthen the retention.
     */
    private long endedAt(long writtenMillis) {
        return Math.min(writtenMillis, clock.millis());
    }

    private void started(StreamKey id, StreamResult result, long timestampMillis) {
        StreamSession session = sessions.compute(id, (key, existing) -> {
            if (existing != null && existing.state() != StreamSession.State.ENDED) {
                if (!wonBy(existing, result)) {
                    // This node reserved the id for a start of its own, and another start of it (from another gateway,
                    // or a retry elsewhere) reached the processor first: the other stream takes the key, and this
                    // node's start waits aside for its own decision.
                    waitingStarts.put(key, existing);
                    opened(key.tenant());
                    return newSession(key, result.startId(), result.processor(), Instant.ofEpochMilli(timestampMillis));
                }
                return existing; // this node started it and already holds it, or knows it already
            }
            StreamSession waiting = waitingStarts.get(key);
            if (waiting != null && waiting.startId().equals(result.startId())) {
                // The stream that held the key ended before the processor took this node's start: this one is open
                // now, counted since its reservation.
                waitingStarts.remove(key);
                return waiting;
            }
            // Unknown here (another node or an earlier run started it), or an earlier stream of the same id that
            // has ended: the new start replaces it. Counted, never refused: Kafka already holds it.
            opened(key.tenant());
            return newSession(key, result.startId(), result.processor(), Instant.ofEpochMilli(timestampMillis));
        });
        session.startConfirmed();
    }

    /**
     * Whether a stream's start record confirms the session held for it: once confirmed a session stays (a repeated or
     * stray record changes nothing); a reservation only by its own start.
     */
    private static boolean wonBy(StreamSession existing, StreamResult started) {
        return existing.isStartConfirmed() || existing.startId() == null || started.startId() == null
                || existing.startId().equals(started.startId());
    }

    /**
     * The processor refused a start because the id was open. A session of this node still waiting for that start is
     * given up: its client gets a 409.
     */
    private void startRefused(StreamKey id, StreamResult result) {
        if (result.startId() == null) {
            return;
        }
        StreamSession waiting = waitingStarts.get(id);
        StreamSession session = waiting != null ? waiting : sessions.get(id);
        if (session != null && !session.isStartConfirmed() && result.startId().equals(session.startId())) {
            forget(session);
            session.startRefused();
        }
    }

    private StreamSession newSession(StreamKey id, String startId, String processor, Instant created) {
        return new StreamSession(id, startId, processor, created,
                new ResultLog(historyLimit, historyBytes, historyBudget::heldBytesPerStream),
                new IdempotencyKeys(IDEMPOTENCY_KEYS_PER_STREAM, idempotencyBudget::heldBytesPerStream, openWithKeys));
    }

    private void withSession(StreamKey id, StreamResult result, Consumer<StreamSession> action) {
        StreamSession session = sessions.get(id);
        if (session == null) {
            // Its start was trimmed by retention or the stream was forgotten after it ended: nobody can read it.
            log.debug("Ignoring {} for unknown stream {}", result.kind(), id);
            return;
        }
        action.accept(session);
    }
}
