package io.streamgate.stream;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams this gateway knows. Kafka is the record: {@link #apply} replays the results log into it at start-up
 * and keeps it current afterwards, so a restarted gateway knows every stream and its recent results again.
 */
public final class StreamRegistry {

    private static final Logger log = LoggerFactory.getLogger(StreamRegistry.class);

    private final ConcurrentHashMap<StreamId, StreamSession> sessions = new ConcurrentHashMap<>();
    private final int historyLimit;
    private final long historyChars;
    private final Clock clock;

    /**
     * @param historyLimit the most results held per stream for late and resuming readers
     * @param historyChars the most characters of results held per stream
     */
    public StreamRegistry(int historyLimit, long historyChars, Clock clock) {
        this.historyLimit = historyLimit;
        this.historyChars = historyChars;
        this.clock = clock;
    }

    /** A new open session for {@code id}, or {@code null} when the id is taken. */
    StreamSession reserve(StreamId id, String processor) {
        StreamSession session = newSession(id, processor, clock.instant());
        return sessions.putIfAbsent(id, session) == null ? session : null;
    }

    void forget(StreamSession session) {
        sessions.remove(session.id(), session);
    }

    public Optional<StreamSession> find(StreamId id) {
        return Optional.ofNullable(sessions.get(id));
    }

    StreamSession require(StreamId id) {
        StreamSession session = sessions.get(id);
        if (session == null) {
            throw new StreamNotFoundException(id);
        }
        return session;
    }

    public Collection<StreamSession> sessions() {
        return Collections.unmodifiableCollection(sessions.values());
    }

    public long openStreams() {
        return sessions.values().stream().filter(session -> session.state() != StreamSession.State.ENDED).count();
    }

    /** Ends every reader's response with a reconnect event; called once, when this gateway shuts down. */
    public void disconnectReaders() {
        sessions.values().forEach(StreamSession::disconnectReaders);
    }

    /** Applies one record of the results log. Called from the results feed's single thread, in log order. */
    public void apply(StreamResult result, long timestampMillis) {
        StreamId id;
        try {
            id = new StreamId(result.streamId());
        } catch (InvalidRequestException e) {
            log.warn("Ignoring a result for an invalid stream id");
            return;
        }
        switch (result.kind()) {
            case STARTED -> started(id, result, timestampMillis);
            case RESULT -> withSession(id, result, session -> {
                session.touchAtLeast(timestampMillis); // after a restart, idle time counts from the last chunk
                session.appendResult(new ResultEvent(ResultEvent.Kind.RESULT, result.seq(), result.json()));
            });
            case ENDED -> withSession(id, result, session ->
                    session.end(new ResultEvent(ResultEvent.Kind.END, result.seq(), result.json()), result.reason(),
                            clock.millis()));
        }
    }

    private void started(StreamId id, StreamResult result, long timestampMillis) {
        sessions.compute(id, (key, existing) -> {
            if (existing != null && existing.state() != StreamSession.State.ENDED) {
                return existing; // this node started it and already holds it
            }
            // Unknown here (another node or an earlier run started it), or an earlier stream of the same id that
            // has ended: the new start replaces it.
            return newSession(id, result.processor(), Instant.ofEpochMilli(timestampMillis));
        });
    }

    private StreamSession newSession(StreamId id, String processor, Instant created) {
        return new StreamSession(id, processor, created, new ResultLog(historyLimit, historyChars));
    }

    private void withSession(StreamId id, StreamResult result, java.util.function.Consumer<StreamSession> action) {
        StreamSession session = sessions.get(id);
        if (session == null) {
            // Its start was trimmed by retention or the stream was forgotten after it ended: nobody can read it.
            log.debug("Ignoring {} for unknown stream {}", result.kind(), id);
            return;
        }
        action.accept(session);
    }
}
