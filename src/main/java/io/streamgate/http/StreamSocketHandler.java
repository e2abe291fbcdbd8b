package io.streamgate.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.streamgate.stream.InvalidRequestException;
import io.streamgate.stream.ResultEvent;
import io.streamgate.stream.StreamId;
import io.streamgate.stream.StreamKey;
import io.streamgate.stream.StreamService;
import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
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
 * (nothing stored; the socket stays open); the stream's events go out as {@code result} and {@code end} frames.
 *
 * <p>Backpressure through the socket: frames are taken in batches of what has arrived (at most {@link #BATCH}) and
 * the next batch only once the last is durable, so a client sending faster than Kafka stores is read no faster
 * than that; results go out as fast as the client reads them.
 */
final class StreamSocketHandler implements WebSocketHandler {

    static final String PATH = "/stream/{streamId}/ws";
    private static final PathPattern PATTERN = PathPatternParser.defaultInstance.parse(PATH);
    /** Frames stored with one producer call; also the most frames this socket holds before they are stored. */
    private static final int BATCH = 256;

    private final Callers callers;
    private final StreamService streams;
    private final Problems problems;
    private final Chunks chunks;
    private final JsonMapper json;

    StreamSocketHandler(Callers callers, StreamService streams, Problems problems, Chunks chunks, JsonMapper json) {
        this.callers = callers;
        this.streams = streams;
        this.problems = problems;
        this.chunks = chunks;
        this.json = json;
    }

    @Override
    public Mono<Void> handle(WebSocketSession socket) {
        PathPattern.PathMatchInfo match = PATTERN.matchAndExtract(
                PathContainer.parsePath(socket.getHandshakeInfo().getUri().getRawPath()));
        Mono<StreamKey> key = callers.tenant(socket.getHandshakeInfo().getPrincipal())
                .map(tenant -> new StreamKey(tenant, new StreamId(match.getUriVariables().get("streamId"))));
        return key.flatMap(streams::session).flatMap(session -> {
            AtomicLong framesIn = new AtomicLong();
            AtomicReference<Disposable> inbound = new AtomicReference<>(Disposables.disposed());
            Flux<String> acks = socket.receive()
                    .filter(message -> message.getType() == WebSocketMessage.Type.TEXT)
                    .map(message -> new Incoming(framesIn.incrementAndGet(), message.getPayloadAsText()))
                    // Fair backpressure: without it a batch ready while the last is still being stored fails the
                    // receiver (Reactor cancels the socket's inbound), instead of waiting for demand.
                    .bufferTimeout(BATCH, Duration.ofMillis(1), true)
                    .concatMap(batch -> store(session.key(), batch), 1)
                    // Shared, so that the outgoing frames can stop taking acks without cancelling the socket's
                    // inbound side: Reactor Netty closes a socket whose inbound is cancelled at once, and the last
                    // frames still on their way out were lost (a client got 276 of 300 results and no end).
                    .publish()
                    .autoConnect(1, inbound::set);
            // The socket closes after the stream's last event (its end, or an overflow or reconnect notice): nothing
            // more can be stored then. The outgoing frames end with that event; once they are all out, the
            // handler completes and the socket closes normally.
            Flux<Outgoing> events = streams.read(session, ResultEvent.NO_ID)
                    .map(event -> new Outgoing(eventFrame(event), event.kind() != ResultEvent.Kind.RESULT
                            && event.kind() != ResultEvent.Kind.GAP))
                    .concatWith(Mono.just(Outgoing.NOTHING_MORE)); // events that end without a last one
            Flux<String> framesOut = Flux.merge(acks.map(ack -> new Outgoing(ack, false)), events)
                    .takeUntil(Outgoing::last)
                    .filter(frame -> frame != Outgoing.NOTHING_MORE)
                    .map(Outgoing::text);
            return socket.send(framesOut.map(socket::textMessage)).doFinally(signal -> inbound.get().dispose());
        }).onErrorResume(failure -> socket.close(closeStatus(failure)));
    }

    private record Incoming(long number, String data) {
    }

    /** A frame for the client; {@code last}: the stream's last event, after which the socket closes. */
    private record Outgoing(String text, boolean last) {
        static final Outgoing NOTHING_MORE = new Outgoing("", true);
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
     * is answered with the problem a send of it would get, and skipped.
     */
    private Flux<String> store(StreamKey key, List<Incoming> batch) {
        List<Incoming> valid = new ArrayList<>(batch.size());
        List<String> refused = new ArrayList<>(0);
        for (Incoming frame : batch) {
            try {
                chunks.checked(frame.data());
                valid.add(frame);
            } catch (InvalidRequestException | PayloadTooLargeException invalid) {
                refused.add(json.writeValueAsString(new ErrorFrame(frame.number(), problems.of(invalid, PATH))));
            }
        }
        if (valid.isEmpty()) {
            return Flux.fromIterable(refused);
        }
        Flux<String> stored = streams.sendAll(key, valid.stream().map(Incoming::data).toList())
                .flatMapIterable(seqs -> {
                    List<String> acks = new ArrayList<>(seqs.size());
                    for (int i = 0; i < seqs.size(); i++) {
                        acks.add(json.writeValueAsString(new AckFrame(valid.get(i).number(), seqs.get(i))));
                    }
                    return acks;
                })
                .onErrorResume(failure -> {
                    Problems.Problem problem = problems.of(failure, PATH);
                    return Flux.fromIterable(valid).map(frame -> json.writeValueAsString(new ErrorFrame(frame.number(),
                            problem)));
                });
        return Flux.fromIterable(refused).concatWith(stored);
    }

    private String eventFrame(ResultEvent event) {
        return json.writeValueAsString(new EventFrame(event));
    }

    /** Why the socket closes before its stream's end: 4000 plus the HTTP status the same failure would get. */
    private CloseStatus closeStatus(Throwable failure) {
        Problems.Problem problem = problems.of(failure, PATH);
        String reason = problem.body().detail();
        // A close frame's reason has at most 123 bytes.
        return new CloseStatus(4000 + problem.status().value(), reason.length() > 100 ? reason.substring(0, 100) : reason);
    }
}
