package io.streamgate.stream;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.streamgate.metrics.StreamMetrics;
import io.streamgate.processing.ProcessorCatalog;
import io.streamgate.processing.engine.StreamCommand;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The stream operations behind the HTTP API. Every change goes to the {@link CommandLog} first and is answered
 * only once the log holds it; the {@link StreamRegistry} then learns the outcome from the results log.
 */
public final class StreamService {

    public static final String ENDED_BY_CLIENT = "client";
    public static final String ENDED_BY_IDLE_TIMEOUT = "idle-timeout";

    private final StreamRegistry registry;
    private final CommandLog commandLog;
    private final ProcessorCatalog processors;
    private final StreamIdGenerator ids;
    private final StreamMetrics metrics;
    private final StreamLimits limits;
    private final Clock clock;
    /**
     * Where work woken by the results feed goes on: readers' cursors and confirmed starts. The feed applies every
     * result on its one consumer thread; a start answered there once held it writing a burst of HTTP responses
     * (1,000 starts at once: seconds) while every reader and every catch-up check waited for it.
     */
    private final Scheduler workScheduler;
    private final ResultsVisibility visibility;
    private volatile boolean draining;

    /**
     * How long a start waits for its stream to come back through the results log (the processor's round trip). Past
     * it the start fails retryably: Kafka holds it, but until a processor takes it no other instance knows the
     * stream, and answering success would let a client's next request meet a 404 elsewhere. Long enough to ride out
     * a processor rebalance (one dying: its session times out in 10 s), short enough to answer before a client's
     * usual 30 s timeout.
     */
    static final Duration START_SEEN_TIMEOUT = Duration.ofSeconds(20);

    public StreamService(StreamRegistry registry, CommandLog commandLog, ProcessorCatalog processors,
                         StreamIdGenerator ids, StreamMetrics metrics, StreamLimits limits, Clock clock,
                         Scheduler workScheduler, ResultsVisibility visibility) {
        this.registry = registry;
        this.visibility = visibility;
        this.commandLog = commandLog;
        this.processors = processors;
        this.ids = ids;
        this.metrics = metrics;
        this.limits = limits;
        this.clock = clock;
        this.workScheduler = workScheduler;
    }

    /** {@link #start(String, StreamId, String, Map)} with no options. */
    public Mono<StreamSession> start(String tenant, StreamId requestedId, String processorName) {
        return start(tenant, requestedId, processorName, Map.of());
    }

    /**
     * Starts a stream of {@code tenant} under {@code requestedId}, or a generated id when it is null, with the named
     * processor (the default when null) and its options (checked by the processor: 400 if it refuses them). Fails
     * with 409 semantics when the tenant already has that id, here or on another instance. Answers once any instance
     * serves the stream: a generated id's start once it is durable with its announcement, a chosen id's once the
     * processor's decision has come back through the results log.
     */
    public Mono<StreamSession> start(String tenant, StreamId requestedId, String processorName,
                                     Map<String, String> options) {
        return Mono.defer(() -> {
            if (draining) {
                return Mono.error(new ShuttingDownException());
            }
            String processor = processors.check(processorName, options).name();
            if (requestedId == null) {
                return announce(new StreamKey(tenant, ids.next()), processor, options);
            }
            StreamKey key = new StreamKey(tenant, requestedId);
            if (!visibility.replayed()) {
                // Its 409 would be from what this instance knows, which may be an end behind (see lookUp).
                return visibility.awaitCurrent(key).then(Mono.defer(() -> start(key, processor, options)));
            }
            return start(key, processor, options);
        });
    }

    /**
     * Starts a stream under an id this gateway generated: nothing can have started it before, so there is nothing for
     * a processor to decide, and the start is answered as a send is, once durable, with the {@code STARTED} that
     * opens it for every instance written beside it (BENCHMARKS.md section 50).
     */
    private Mono<StreamSession> announce(StreamKey key, String processor, Map<String, String> options) {
        StreamSession session = reserve(key, processor);
        return commandLog.appendAnnounced(StreamCommand.start(key.value(), processor, options, session.startId()))
                .doOnError(e -> registry.forget(session))
                .doOnNext(position -> session.startConfirmed())
                .thenReturn(session);
    }

    /**
     * Reserves a chosen id here, stores the start, and answers once the processor has taken it, or with 409 when it
     * refused it because another start of the same id came first and its stream is still open (from another gateway,
     * or a client's retry through one). No need to read the results log up to now first, as a lookup does: the
     * processor decides every start in the log's order, and only that decision settles this one.
     */
    private Mono<StreamSession> start(StreamKey key, String processor, Map<String, String> options) {
        StreamSession session = reserve(key, processor);
        return commandLog.append(StreamCommand.start(key.value(), processor, options, session.startId()))
                .doOnError(e -> registry.forget(session))
                .then(session.whenStartSettled()
                        .publishOn(workScheduler)
                        .timeout(START_SEEN_TIMEOUT, Mono.error(() -> new StartNotConfirmedException(key.id()))))
                .thenReturn(session);
    }

    /** A session for a new start of {@code key}, under a start id of its own; 409 when the key is taken here. */
    private StreamSession reserve(StreamKey key, String processor) {
        StreamSession session = registry.reserve(key, ids.nextStartId(), processor, limits);
        if (session == null) {
            throw new StreamConflictException("Stream " + key.id() + " already exists");
        }
        return session;
    }

    /**
     * The session of {@code key}. A stream this instance does not know may have just been started through another
     * one: it is looked for again once this instance has read the results log up to now, and only then not found.
     */
    public Mono<StreamSession> session(StreamKey key) {
        return Mono.defer(() -> lookUp(key));
    }

    /**
     * What {@link #session} answers, looked up when this is called. An instance still reading the results log from its
     * beginning (a restart) may know a stream only as it was minutes ago, open when its end is further on: it answers
     * for any stream only once it has read the stream's partition up to now, as for one it does not know.
     */
    private Mono<StreamSession> lookUp(StreamKey key) {
        if (!visibility.replayed()) {
            return lookUpWhenCurrent(key);
        }
        return registry.find(key).map(Mono::just).orElseGet(() -> lookUpWhenCurrent(key));
    }

    private Mono<StreamSession> lookUpWhenCurrent(StreamKey key) {
        return visibility.awaitCurrent(key).then(Mono.fromCallable(() -> registry.require(key)));
    }

    /**
     * The session of {@code key} if it still takes chunks: 429 when the tenant has not one send left this second, 503
     * when this node's sends waiting for Kafka are at their bound, 404 for a stream not found, 409 for one ending or
     * ended. Asked before a send's body is read, so that a client waiting on {@code Expect: 100-continue} is refused
     * before it uploads the body, and one that sent it anyway is answered without the gateway reading it. The rate and
     * the bound come first: they are the cheapest answers, and a lookup of a stream this instance does not know may
     * wait for the results log. What is decided here is decided again when the chunks are appended (a stream that ends
     * meanwhile, sends taken by others, room taken by other sends).
     */
    public Mono<StreamSession> sendableSession(StreamKey key) {
        return Mono.defer(() -> {
            limits.requireASend(key.tenant());
            commandLog.requireRoom(key.tenant());
            return lookUp(key);
        }).flatMap(session -> session.isOpen() ? Mono.just(session) : Mono.error(ended(key)));
    }

    /** Sends one chunk; completes with its seq once Kafka holds it durably. */
    public Mono<Long> send(StreamKey key, String data) {
        return session(key).flatMap(session -> send(session, data, null));
    }

    /**
     * Sends one chunk under the client's {@code idempotencyKey} (may be null): a repeat of a key this stream has seen
     * with the same data answers the first attempt's seq and stores nothing more; with other data it fails with
     * {@link IdempotencyKeyReusedException}. The first attempt runs to its end even if its client goes away, so that a
     * retry can learn how it went. A retry after an attempt that failed without telling whether Kafka took it stores
     * the chunk again, and is answered the seq of the copy processors keep ({@link CommandLog#appendRetry}).
     */
    public Mono<Long> send(StreamSession session, String data, String idempotencyKey) {
        if (idempotencyKey == null) {
            return append(session, data);
        }
        IdempotencyKeys.KeyedSend keyed = IdempotencyKeys.KeyedSend.of(idempotencyKey, data);
        return Mono.fromFuture(session.idempotencyKeys().outcome(keyed, clock.millis(), since -> Mono.defer(() -> {
            StreamCommand chunk = chunk(session, data, keyed.recorded());
            return appendChunks(session, 1, since == IdempotencyKeys.Attempt.FIRST ? () -> commandLog.append(chunk)
                    : () -> commandLog.appendRetry(chunk, since));
        }).toFuture()), true);
    }

    /**
     * Sends a batch of chunks, in their order; completes with their seqs once Kafka holds every one durably. The
     * batch is admitted whole (tenant rate, Kafka backlog) or refused whole before anything is written; once written,
     * Kafka may store it in part ({@link PartlyStoredException}).
     */
    public Mono<List<Long>> sendAll(StreamSession session, List<String> chunks) {
        return appendChunks(session, chunks.size(), () -> commandLog.appendAll(chunks.stream()
                .map(data -> chunk(session, data, null)).toList())
                .collectList());
    }

    private Mono<Long> append(StreamSession session, String data) {
        return appendChunks(session, 1, () -> commandLog.append(chunk(session, data, null)));
    }

    private static StreamCommand chunk(StreamSession session, String data, String recordedKey) {
        return StreamCommand.chunk(session.key().value(), session.processor(), data, recordedKey);
    }

    /**
     * Admits {@code chunks} chunks of the session's stream (the tenant's rate, the stream still open), appends them
     * and accounts for them once durable. While they are on their way, an end of the stream waits for them. All of it
     * happens on subscription, where the release is sure to follow: admitted when the send was made, a send never
     * subscribed to (a WebSocket's last batch, made as the socket closed) held the stream's end back for ever.
     */
    private <T> Mono<T> appendChunks(StreamSession session, int chunks, Supplier<Mono<T>> append) {
        return Mono.defer(() -> {
            StreamKey key = session.key();
            limits.admitSends(key.tenant(), chunks);
            if (!session.admitSend()) {
                return Mono.error(ended(key));
            }
            long startedNanos = System.nanoTime();
            return append.get()
                    .doOnNext(durable -> stored(session, chunks, startedNanos))
                    .doOnError(PartlyStoredException.class,
                            partly -> stored(session, partly.storedCount(), startedNanos))
                    .doFinally(signal -> session.sendFinished());
        });
    }

    private void stored(StreamSession session, int chunks, long startedNanos) {
        session.touch(clock.millis());
        Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
        for (int chunk = 0; chunk < chunks; chunk++) {
            metrics.chunkSent(took);
        }
    }

    private static StreamConflictException ended(StreamKey key) {
        return new StreamConflictException("Stream " + key.id() + " has ended");
    }

    /**
     * Ends a stream. Completes once the end marker is durable; readers get the {@code end} event after every
     * result of the chunks sent before it.
     */
    public Mono<Void> end(StreamKey key, String reason) {
        return session(key).flatMap(session -> end(session, reason));
    }

    Mono<Void> end(StreamSession session, String reason) {
        Mono<Void> sendsDrained = session.beginEnding();
        if (sendsDrained == null) {
            return Mono.error(new StreamConflictException("Stream " + session.id() + " has already ended"));
        }
        // Sends already admitted go first, so no acknowledged chunk can land after the end marker.
        return sendsDrained
                .then(Mono.defer(() -> commandLog.append(StreamCommand.end(session.key().value(), reason))))
                .doOnError(e -> session.abortEnding())
                .then();
    }

    /**
     * The first step of a graceful shutdown: no new streams from here on, and every reader is told to reconnect
     * (elsewhere, or here after the restart). Sends and ends of open streams still go through, so requests in flight
     * finish while the web server drains.
     */
    public void drain() {
        draining = true;
        registry.disconnectReaders();
    }

    /** Takes new streams again after {@link #drain()} (a stopped context started again, as test contexts are). */
    public void resume() {
        draining = false;
    }

    /** Forgets the rate state of tenants that have gone quiet; {@link StreamExpiry}'s sweep calls it. */
    void forgetIdleTenants() {
        limits.forgetIdleTenants();
    }

    /**
     * The stream's events after {@code lastEventId} ({@link ResultEvent#NO_ID} for all held), live, until its end
     * event, in batches of those ready together (never empty, bounded in count and size). Each reader only holds a
     * position in the stream's shared log.
     *
     * <p>Checks (404, reader limits) happen now, not on subscription, so they can still be answered with a status
     * before an event stream starts; the caller must subscribe to the returned flux, which releases the reader.
     */
    public Flux<List<ResultEvent>> readBatches(StreamSession session, long lastEventId) {
        Runnable admitted = limits.admitReader(session);
        // Given back as the reads end, before their end goes on to the client (Once says why).
        Once releaseReader = new Once(() -> {
            admitted.run();
            metrics.readerDisconnected();
        });
        return releaseReader.onEnd(ResultCursor.read(session, lastEventId, workScheduler)
                .doOnSubscribe(ignored -> metrics.readerConnected()));
    }

    /** {@link #readBatches} one event at a time, holding at most one batch. */
    public Flux<ResultEvent> read(StreamSession session, long lastEventId) {
        return readBatches(session, lastEventId).concatMapIterable(batch -> batch, 1);
    }

    /**
     * The events held right now after {@code lastEventId} ({@link ResultEvent#NO_ID} for all), for clients that poll
     * instead of streaming: what a live reader would get of them, a {@code gap} notice first if it would get one.
     */
    public List<ResultEvent> heldEvents(StreamSession session, long lastEventId) {
        return session.log().eventsAfter(lastEventId);
    }
}
