package io.streamgate.stream;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * What this gateway knows of one stream: its lifecycle, its recent results and who is reading them.
 *
 * <p>Lifecycle: {@code OPEN} until a client or the idle timeout asks to end it; {@code ENDING} while the end
 * marker travels through Kafka and the processor (sends are refused from here on); {@code ENDED} once the
 * processor's end result has arrived, after every earlier result.
 */
public final class StreamSession {

    public enum State { OPEN, ENDING, ENDED }

    /*
     * What a stream holds in the heap besides its history and its remembered Idempotency-Keys, for heldBytes()
     * (BENCHMARKS.md section 64; a 64-bit JVM with compressed references). From a class histogram of a gateway holding
     * 223,318 ended streams of short-stream load: a session with its key, history ring, sinks and sets about 1 KB.
     */
    private static final int BYTES_PER_STREAM = 1024;

    private final StreamKey key;
    /** The start attempt that opened this stream; null for streams started by processors before start ids existed. */
    private final String startId;
    private final String processor;
    private final Instant created;
    private final ResultLog log;
    private final IdempotencyKeys idempotencyKeys;
    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);
    private final Set<ResultCursor> cursors = ConcurrentHashMap.newKeySet();
    private final AtomicInteger readers = new AtomicInteger();
    private final AtomicInteger sendsInFlight = new AtomicInteger();
    private volatile Sinks.Empty<Void> sendsDrained = Sinks.empty();
    /**
     * Completed when this instance's results feed has seen the processor take this stream's start; failed with a
     * conflict when it refused it because the id was already open.
     */
    private final Sinks.Empty<Void> startSettled = Sinks.empty();
    private volatile boolean startConfirmed;
    private volatile long lastActivityMillis;
    private volatile long endedAtMillis;
    private volatile String endReason;
    private volatile long results;

    StreamSession(StreamKey key, String startId, String processor, Instant created, ResultLog log,
                  IdempotencyKeys idempotencyKeys) {
        this.key = key;
        this.startId = startId;
        this.processor = processor;
        this.created = created;
        this.log = log;
        this.idempotencyKeys = idempotencyKeys;
        this.lastActivityMillis = created.toEpochMilli();
    }

    /** The id clients use (unique within the owning tenant). */
    public StreamId id() {
        return key.id();
    }

    public StreamKey key() {
        return key;
    }

    public String processor() {
        return processor;
    }

    public Instant created() {
        return created;
    }

    public State state() {
        return state.get();
    }

    public boolean isOpen() {
        return state.get() == State.OPEN;
    }

    public String endReason() {
        return endReason;
    }

    /** Results delivered to this stream so far (including any no longer held for replay). */
    public long results() {
        return results;
    }

    public int readers() {
        return readers.get();
    }

    /** The id of the last event, once the stream has ended and its end event is in the log. */
    public long endEventId() {
        return state.get() == State.ENDED ? log.lastId() : ResultEvent.NO_ID;
    }

    long lastActivityMillis() {
        return lastActivityMillis;
    }

    long endedAtMillis() {
        return endedAtMillis;
    }

    String startId() {
        return startId;
    }

    /** The processor's start record has come back through the results log, so every instance can see this stream. */
    void startConfirmed() {
        startConfirmed = true;
        startSettled.tryEmitEmpty();
    }

    boolean isStartConfirmed() {
        return startConfirmed;
    }

    /** The processor refused this start: another start of the same id was taken first. */
    void startRefused() {
        startSettled.tryEmitError(new StreamConflictException("Stream " + id() + " already exists"));
    }

    /** Completes once the processor took this stream's start; fails with a conflict if it refused it. */
    Mono<Void> whenStartSettled() {
        return startSettled.asMono();
    }

    ResultLog log() {
        return log;
    }

    /**
     * The heap this stream holds, estimated: its held results' text (UTF-8) and what holding them and the stream
     * costs. What the ended-history budget counts: counted by its results' text alone, a stream ended with no results
     * was charged its end event's 20 bytes for the 1.1 KB it held, and a 256 MB budget let a gateway keep an hour of
     * such streams, 4 GB at a thousand a second.
     */
    long heldBytes() {
        return BYTES_PER_STREAM + log.heldBytes() + idempotencyKeys.heldBytes();
    }

    /** Keeps its history and its remembered keys within their shares of the budgets, which shrink as streams open. */
    void trim() {
        log.trim();
        idempotencyKeys.trim();
    }

    IdempotencyKeys idempotencyKeys() {
        return idempotencyKeys;
    }

    void touch(long nowMillis) {
        lastActivityMillis = nowMillis;
    }

    void touchAtLeast(long millis) {
        if (millis > lastActivityMillis) {
            lastActivityMillis = millis;
        }
    }

    /**
     * Admits one send while the stream is open; false once it is ending. An admitted send must call
     * {@link #sendFinished()}. Together with {@link #beginEnding()} this keeps every acknowledged chunk ahead of the
     * end marker in the log: the increment here and the state change there are both volatile, so either the send
     * sees ENDING, or the end sees the send in flight and waits for it.
     */
    boolean admitSend() {
        sendsInFlight.incrementAndGet();
        if (state.get() == State.OPEN) {
            return true;
        }
        sendFinished();
        return false;
    }

    void sendFinished() {
        if (sendsInFlight.decrementAndGet() == 0 && state.get() != State.OPEN) {
            sendsDrained.tryEmitEmpty();
        }
    }

    /**
     * Moves OPEN to ENDING. Answers a signal that completes once no send admitted before this call is still on its
     * way to the log, or null if the stream is already ending or ended. Each attempt gets its own signal: an end
     * that failed and is retried must wait for the sends admitted in between, too.
     */
    Mono<Void> beginEnding() {
        if (!state.compareAndSet(State.OPEN, State.ENDING)) {
            return null;
        }
        Sinks.Empty<Void> drained = Sinks.empty();
        sendsDrained = drained;
        // A send finishing between the state change and the line above found no fresh signal to complete: look.
        if (sendsInFlight.get() == 0) {
            drained.tryEmitEmpty();
        }
        return drained.asMono();
    }

    /** Undoes {@link #beginEnding()} when the end marker could not be written, so the client can retry. */
    void abortEnding() {
        state.compareAndSet(State.ENDING, State.OPEN);
    }

    /** Called by the results feed only (a single thread). */
    void appendResult(ResultEvent event) {
        if (state.get() == State.ENDED || event.id() <= log.lastId()) {
            return; // a replayed or late record: the log already holds it, or the stream is over
        }
        log.append(event);
        results++;
        notifyListeners();
    }

    /** Called by the results feed only (a single thread). True if this ended the stream. */
    boolean end(ResultEvent endEvent, String reason, long nowMillis) {
        if (state.get() == State.ENDED || endEvent.id() <= log.lastId()) {
            return false;
        }
        log.append(endEvent);
        endReason = reason;
        endedAtMillis = nowMillis;
        state.set(State.ENDED);
        notifyListeners();
        return true;
    }

    /** Wakes {@code cursor} after each new event until it is detached. */
    void attach(ResultCursor cursor) {
        cursors.add(cursor);
    }

    void detach(ResultCursor cursor) {
        cursors.remove(cursor);
    }

    /** Counts one more reader unless there are {@code max} already. */
    boolean tryAddReader(int max) {
        if (readers.incrementAndGet() > max) {
            readers.decrementAndGet();
            return false;
        }
        return true;
    }

    void removeReader() {
        readers.decrementAndGet();
    }

    /** Tells every reader to reconnect and ends its response (this gateway is shutting down). */
    void disconnectReaders() {
        cursors.forEach(ResultCursor::disconnect);
    }

    private void notifyListeners() {
        cursors.forEach(ResultCursor::signal);
    }

    /** For logs and failed assertions: which stream, and where it stands. */
    @Override
    public String toString() {
        State now = state.get();
        return "StreamSession[" + key + ", " + now + (now == State.ENDED ? " at " + endedAtMillis : "") + "]";
    }
}
