package io.streamgate.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.streamgate.stream.InvalidRequestException;
import io.streamgate.stream.Once;
import io.streamgate.stream.PartlyStoredException;
import io.streamgate.stream.ResultEvent;
import io.streamgate.stream.StreamId;
import io.streamgate.stream.StreamKey;
import io.streamgate.stream.StreamSession;
import io.streamgate.stream.StreamService;
import io.streamgate.stream.Utf8;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.RawValue;

/**
 * {@code GET /stream/{streamId}/ws}: a stream over one WebSocket. Each text frame in is a chunk (its text is the
 * chunk's data), answered by an {@code ack} frame with its number and seq once durable, or an {@code error} frame
 * (nothing stored; the socket stays open), as is a binary frame; the stream's events go out as {@code result} and
 * {@code end} frames, after the event the handshake names ({@code ?lastEventId=}, as an SSE reader resumes) if any.
 * A text frame that is not UTF-8, a frame with a reserved bit set ({@link FrameRules}), or a message over the limit
 * fails the socket, with the protocol's close code, once the messages before it are answered; the client's close frame
 * is echoed likewise, after every message before it is answered.
 *
 * <p>A ping goes out when the socket opens and then every {@code streamgate.stream.heartbeat-interval}, as SSE readers
 * get a heartbeat comment: a socket on a quiet stream otherwise carries nothing for minutes, and proxies and load
 * balancers close connections idle for a minute or so (nginx's and AWS's defaults are 60 s). Clients answer with a
 * pong, which is not a chunk.
 *
 * <p>Backpressure through the socket: frames are taken in batches of what has arrived (at most {@link #BATCH}) and
 * the next batch only once the last is durable, so a client sending faster than Kafka stores is read no faster
 * than that; results go out as fast as the client reads them. The messages being read and not yet answered count
 * against the node's {@link BodyBudget}, as send bodies do, from their frames' headers ({@link FrameBudget}): at a
 * frame the budget has no room for, the socket closes with {@code 1013} once the messages before it are answered, so
 * neither the messages a socket reads ahead (up to four batches, as Reactor's fair {@code bufferTimeout} asks for them)
 * nor sockets part-way through a large one can fill the memory.
 */
final class StreamSocketHandler implements WebSocketHandler {

    static final String PATH = "/stream/{streamId}/ws";
    private static final PathPattern PATTERN = PathPatternParser.defaultInstance.parse(PATH);
    /** Frames stored with one producer call. */
    private static final int BATCH = 256;
    /** The answers a socket's {@code publish()} holds for its outgoing frames (see {@link #handle}). */
    private static final int ANSWERS_QUEUED = 16;
    private static final byte[] NO_BYTES = new byte[0];

    private final Callers callers;
    private final StreamService streams;
    private final Problems problems;
    private final Chunks chunks;
    private final JsonMapper json;
    private final Duration pingInterval;

    StreamSocketHandler(Callers callers, StreamService streams, Problems problems, Chunks chunks, JsonMapper json,
                        Duration pingInterval) {
        this.callers = callers;
        this.streams = streams;
        this.problems = problems;
        this.chunks = chunks;
        this.json = json;
        this.pingInterval = pingInterval;
    }

    @Override
    public Mono<Void> handle(WebSocketSession socket) {
        PathPattern.PathMatchInfo match = PATTERN.matchAndExtract(
                PathContainer.parsePath(socket.getHandshakeInfo().getUri().getRawPath()));
        Mono<StreamKey> key = callers.tenant(socket.getHandshakeInfo().getPrincipal())
                .map(tenant -> new StreamKey(tenant, new StreamId(match.getUriVariables().get("streamId"))));
        return key.flatMap(streams::session).flatMap(session -> {
            AtomicReference<Disposable> inbound = new AtomicReference<>(Disposables.disposed());
            // Shared, so that the outgoing frames can stop taking answers without cancelling the socket's inbound
            // side: Reactor Netty closes a socket whose inbound is cancelled at once (with no status), and the last
            // frames still on their way out were lost (a client got 276 of 300 results and no end). Its queue holds
            // 16 answers, not Reactor's 256: a kilobyte less on every socket, at no cost in frames stored a second
            // (BENCHMARKS.md section 100).
            Flux<Outgoing> answers = answers(socket, session).publish(ANSWERS_QUEUED).autoConnect(1, inbound::set);
            // The socket closes after the stream's last event (its end, or an overflow or reconnect notice): nothing
            // more can be stored then. The outgoing frames end with that event; once they are all out, the
            // handler completes and the socket closes normally. A frame that fails the socket ends them too, and
            // the socket closes with its status; so does the client's close, with the client's status echoed.
            long lastEventId = RequestHeaders.lastEventId(socket.getHandshakeInfo());
            Flux<ResultEvent> unread = lastEventId != ResultEvent.NO_ID && lastEventId == session.endEventId()
                    ? Flux.empty() // resumed after the end: nothing more will come, so the socket closes at once
                    : streams.read(session, lastEventId);
            Flux<Outgoing> events = unread
                    .map(event -> new Outgoing(eventFrame(event), event.kind() != ResultEvent.Kind.RESULT
                            && event.kind() != ResultEvent.Kind.GAP, null))
                    .concatWith(Mono.just(Outgoing.NOTHING_MORE)); // events that end without a last one
            AtomicReference<CloseStatus> closing = new AtomicReference<>(CloseStatus.NORMAL);
            Flux<WebSocketMessage> framesOut = Flux.merge(answers, events, pings())
                    .takeUntil(Outgoing::last)
                    .doOnNext(frame -> {
                        if (frame.close() != null) {
                            closing.set(frame.close());
                        }
                    })
                    .filter(frame -> frame.text() != null || frame == Outgoing.PING)
                    .map(frame -> frame == Outgoing.PING
                            ? socket.pingMessage(buffers -> buffers.wrap(NO_BYTES))
                            : socket.textMessage(frame.text()));
            return socket.send(framesOut)
                    .then(Mono.defer(() -> socket.close(closing.get())))
                    .doFinally(signal -> inbound.get().dispose());
        }).onErrorResume(failure -> connectionLost(socket, failure) ? Mono.empty()
                : socket.close(closeStatus(failure)));
    }

    /**
     * Whether the connection itself is gone (the client reset it, or it closed while a frame was on its way out): no
     * failure of the gateway's, and nothing to close or tell anyone. It was logged as an unexpected error, with its
     * stack, each time a client vanished without a close frame (a killed process, a dropped network).
     */
    private static boolean connectionLost(WebSocketSession socket, Throwable failure) {
        return GoneClients.wentAway(failure) || !socket.isOpen();
    }

    /** Dropped rather than queued when the client is not reading, as SSE heartbeats are: a missed one costs nothing. */
    private Flux<Outgoing> pings() {
        return Flux.interval(Duration.ZERO, pingInterval).onBackpressureDrop().map(tick -> Outgoing.PING);
    }

    /**
     * Each message in answered, in order: text and binary frames are numbered as they arrive and stored in batches.
     * After a frame that fails the socket, none is taken; a frame found breaking the protocol (by Netty or
     * {@link FrameRules}) ends the messages in, and fails the socket the same way; the client's close frame ends them
     * too, and is echoed once the messages before it are answered.
     */
    private Flux<Outgoing> answers(WebSocketSession socket, StreamSession session) {
        AtomicLong framesIn = new AtomicLong();
        AtomicBoolean closing = new AtomicBoolean();
        BodyBudget.Holding holding = FrameRules.holding(socket);
        return socket.receive()
                .filter(message -> !closing.get() && (message.getType() == WebSocketMessage.Type.TEXT
                        || message.getType() == WebSocketMessage.Type.BINARY)) // pings are Netty's to answer
                .map(message -> Incoming.of(framesIn.incrementAndGet(), message, holding))
                .onErrorResume(StreamSocketHandler::endsTheMessages,
                        end -> Mono.just(Incoming.closing(closeStatus(end))))
                .doOnNext(frame -> closing.compareAndSet(false, frame.closesTheSocket()))
                // Fair backpressure: without it a batch ready while the last is still being stored fails the
                // receiver (Reactor cancels the socket's inbound), instead of waiting for demand.
                .bufferTimeout(BATCH, Duration.ofMillis(1), true)
                .concatMap(batch -> store(session, batch, holding), 1)
                .doFinally(signal -> holding.close());
    }

    /**
     * A message in, numbered, and what it is: a chunk ({@code data} its text), a binary one (refused), or the end of
     * the messages: one that fails the socket, or the client's close ({@code closes}: the socket's close).
     * {@code bytes}: its size, as its frames were counted in the budget ({@link FrameBudget}).
     */
    private record Incoming(Kind kind, long number, String data, long bytes, CloseStatus closes) {

        enum Kind { CHUNK, BINARY, CLOSING }

        static Incoming of(long number, WebSocketMessage message, BodyBudget.Holding holding) {
            int bytes = message.getPayload().readableByteCount();
            if (message.getType() == WebSocketMessage.Type.BINARY) {
                return new Incoming(Kind.BINARY, number, null, bytes, null);
            }
            String text = message.getPayloadAsText();
            // Netty decodes leniently, with U+FFFD for what is not UTF-8; only then is the message checked strictly.
            // One that is not fails the socket (1007), as RFC 6455 (section 8.1) asks: decoding it would store it
            // altered.
            if (text.indexOf('\uFFFD') >= 0 && !isUtf8(message.getPayload())) {
                holding.giveBack(bytes);
                return closing(CloseStatus.BAD_DATA.withReason("Frame " + number
                        + " is not valid UTF-8; nothing from it on was stored"));
            }
            return new Incoming(Kind.CHUNK, number, text, bytes, null);
        }

        static Incoming closing(CloseStatus closes) {
            return new Incoming(Kind.CLOSING, 0, null, 0, closes);
        }

        boolean closesTheSocket() {
            return kind == Kind.CLOSING;
        }

        private static boolean isUtf8(DataBuffer payload) {
            ByteBuffer bytes = ByteBuffer.allocate(payload.readableByteCount());
            payload.toByteBuffer(payload.readPosition(), bytes, 0, bytes.capacity());
            try {
                Utf8.decodeStrictly(bytes);
                return true;
            } catch (CharacterCodingException notUtf8) {
                return false;
            }
        }
    }

    /**
     * A frame for the client (none when {@code text} is null); {@code last}: the stream's last event, or the end of
     * the messages in (a frame that fails the socket, the client's close), after which the socket closes, with
     * {@code close} if that is not null.
     */
    private record Outgoing(String text, boolean last, CloseStatus close) {
        static final Outgoing NOTHING_MORE = new Outgoing(null, true, null);
        /** Not a text frame: a ping, told apart by identity. */
        static final Outgoing PING = new Outgoing(null, false, null);

        static Outgoing frame(String text) {
            return new Outgoing(text, false, null);
        }

        static Outgoing closing(CloseStatus status) {
            return new Outgoing(null, true, status);
        }
    }

    /** The frames a client gets, as Jackson writes them. */
    private record AckFrame(String type, long frame, long seq) {
        AckFrame(long frame, long seq) {
            this("ack", frame, seq);
        }
    }

    private record ErrorFrame(String type, long frame, int status, String detail) {
        ErrorFrame(long frame, Problems.Problem problem) {
            this("error", frame, problem.status().value(), problem.body().detail());
        }
    }

    /** An event; its data is the event's JSON as encoded once for every reader, spliced in as it is. */
    private record EventFrame(String type, Long id, RawValue data) {
        EventFrame(ResultEvent event) {
            this(event.kind().eventName(), event.hasId() ? event.id() : null, new RawValue(event.json()));
        }
    }

    /**
     * Stores a batch's valid frames in order and answers each frame; an invalid one (by the rules every chunk follows)
     * is answered with the problem a send of it would get, and skipped, as is a binary one (415). The end of the
     * messages (a frame that fails the socket, the client's close, a frame past the budget) ends the batch: the frames
     * before it are answered, then the socket closes. The batch's bytes are given back to the budget as Kafka answers
     * for its chunks, before the acks go out ({@link Once} says why).
     */
    private Flux<Outgoing> store(StreamSession session, List<Incoming> batch, BodyBudget.Holding holding) {
        List<Incoming> valid = new ArrayList<>(batch.size());
        List<Outgoing> refused = new ArrayList<>(0);
        Flux<Outgoing> last = Flux.empty();
        long bytes = 0;
        for (Incoming frame : batch) {
            if (frame.closesTheSocket()) {
                last = Flux.just(Outgoing.closing(frame.closes()));
                break;
            }
            bytes += frame.bytes();
            switch (frame.kind()) {
                case BINARY -> refused.add(errorFrame(frame, problems.of(new ResponseStatusException(
                        HttpStatus.UNSUPPORTED_MEDIA_TYPE, "A chunk is a text frame; a binary frame is not stored"),
                        PATH)));
                default -> {
                    try {
                        chunks.checked(frame.data());
                        valid.add(frame);
                    } catch (InvalidRequestException | PayloadTooLargeException invalid) {
                        refused.add(errorFrame(frame, problems.of(invalid, PATH)));
                    }
                }
            }
        }
        long held = bytes;
        Once giveBack = new Once(() -> holding.giveBack(held));
        if (valid.isEmpty()) {
            giveBack.run();
        }
        return Flux.fromIterable(refused).concatWith(valid.isEmpty() ? Flux.empty() : stored(session, valid, giveBack))
                .concatWith(last);
    }

    /**
     * The frames' acks once all are durable, or each one's error frame; when Kafka stored them in part, the stored
     * ones' acks and the others' error frames, in the frames' order.
     */
    private Flux<Outgoing> stored(StreamSession session, List<Incoming> valid, Once giveBack) {
        return giveBack.onEnd(streams.sendAll(session, valid.stream().map(Incoming::data).toList()))
                .flatMapIterable(seqs -> answers(valid, seqs, null))
                .onErrorResume(failure -> {
                    if (failure instanceof PartlyStoredException partly) {
                        Problems.Problem notStored = problems.of(partly.failure(), PATH);
                        return Flux.fromIterable(answers(valid, partly.positions(), notStored));
                    }
                    Problems.Problem problem = problems.of(failure, PATH);
                    return Flux.fromIterable(valid).map(frame -> errorFrame(frame, problem));
                });
    }

    /** Each frame's ack, or {@code notStored}'s error frame where its seq is null. */
    private List<Outgoing> answers(List<Incoming> frames, List<Long> seqs, Problems.Problem notStored) {
        List<Outgoing> answers = new ArrayList<>(seqs.size());
        for (int i = 0; i < seqs.size(); i++) {
            Long seq = seqs.get(i);
            answers.add(seq == null ? errorFrame(frames.get(i), notStored)
                    : Outgoing.frame(json.writeValueAsString(new AckFrame(frames.get(i).number(), seq))));
        }
        return answers;
    }

    private Outgoing errorFrame(Incoming frame, Problems.Problem problem) {
        return Outgoing.frame(json.writeValueAsString(new ErrorFrame(frame.number(), problem)));
    }

    private String eventFrame(ResultEvent event) {
        return json.writeValueAsString(new EventFrame(event));
    }

    /**
     * The end of the messages in, told by {@link FrameRules} or Netty: a frame the protocol does not allow (a message
     * over the limit, say), or the client's close.
     */
    private static boolean endsTheMessages(Throwable end) {
        return end instanceof TooLongFrameException || end instanceof CorruptedWebSocketFrameException
                || end instanceof FrameRules.EndOfFrames;
    }

    /**
     * Why the socket closes before its stream's end: for a frame the protocol does not allow, the protocol's code; for
     * the client's close, its own code echoed; otherwise 4000 plus the HTTP status the same failure would get.
     */
    private CloseStatus closeStatus(Throwable failure) {
        if (failure instanceof FrameRules.EndOfFrames end) {
            return end.closeWith();
        }
        if (failure instanceof TooLongFrameException) { // a message over the limit, sent as several frames
            return CloseStatus.TOO_BIG_TO_PROCESS.withReason("A message is larger than " + chunks.maxMessageBytes()
                    + " bytes");
        }
        if (failure instanceof CorruptedWebSocketFrameException broken) {
            return new CloseStatus(broken.closeStatus().code(), broken.getMessage());
        }
        Problems.Problem problem = problems.of(failure, PATH);
        String reason = problem.body().detail();
        // A close frame's reason has at most 123 bytes.
        return new CloseStatus(4000 + problem.status().value(), reason.length() > 100 ? reason.substring(0, 100) : reason);
    }
}
