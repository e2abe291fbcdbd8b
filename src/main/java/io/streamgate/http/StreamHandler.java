package io.streamgate.http;

import java.net.URI;
import java.util.List;

import io.streamgate.stream.InvalidRequestException;
import io.streamgate.stream.ResultEvent;
import io.streamgate.stream.StreamId;
import io.streamgate.stream.StreamService;
import io.streamgate.stream.StreamSession;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The stream API's handlers: each reads what its request says (through {@link Callers}, {@link RequestHeaders},
 * {@link JsonBodies}, {@link Chunks}, {@link NdjsonBatches}), asks {@link StreamService}, and answers. Failures go to
 * {@link Problems}.
 */
final class StreamHandler {

    /** What a send takes: one chunk as JSON, or a batch as NDJSON; a 415 names both. */
    private static final List<MediaType> SENDABLE = List.of(MediaType.APPLICATION_JSON, MediaType.APPLICATION_NDJSON);

    /** A start body names a processor and its options. */
    private static final long MAX_START_BODY = 4 * 1024;

    private final Callers callers;
    private final StreamService streams;
    private final JsonBodies bodies;
    private final Chunks chunks;
    private final NdjsonBatches batches;
    private final BodyBudget budget;
    private final SseEvents sse;

    StreamHandler(Callers callers, StreamService streams, JsonBodies bodies, Chunks chunks, NdjsonBatches batches,
                  BodyBudget budget, SseEvents sse) {
        this.callers = callers;
        this.streams = streams;
        this.bodies = bodies;
        this.chunks = chunks;
        this.batches = batches;
        this.budget = budget;
        this.sse = sse;
    }

    Mono<ServerResponse> start(ServerRequest request) {
        return callers.tenant(request).flatMap(tenant -> start(request, tenant, null));
    }

    Mono<ServerResponse> startWithId(ServerRequest request) {
        return callers.tenant(request).flatMap(tenant -> start(request, tenant, Callers.streamId(request)));
    }

    private Mono<ServerResponse> start(ServerRequest request, String tenant, StreamId id) {
        return bodies.readObject(request, PayloadTooLargeException.Limit.START_BODY_SIZE, MAX_START_BODY)
                .map(StartBody::of)
                .defaultIfEmpty(StartBody.NONE)
                .flatMap(body -> streams.start(tenant, id, body.processor(), body.options()))
                .flatMap(session -> ServerResponse.created(URI.create("/stream/" + session.id()))
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(new ApiResponses.Started(session.id().value())));
    }

    /**
     * One chunk as JSON, or many as NDJSON; answered once Kafka holds every one. The request's headers are checked
     * first, then the stream, then the body: a send to a stream that takes no chunks is refused before its body is
     * read, so a client waiting on {@code Expect: 100-continue} never uploads it.
     */
    Mono<ServerResponse> send(ServerRequest request) {
        if (RequestHeaders.isNdjson(request)) {
            return callers.key(request).flatMap(key -> {
                Mono<List<String>> batch = batches.read(request);
                return streams.sendableSession(key).flatMap(session -> budget.reserving(key.tenant(), request,
                        batches.maxBodyBytes(), () -> batch
                                .flatMap(data -> streams.sendAll(session, data))
                                .flatMap(seqs -> ok(new ApiResponses.SentBatch(session.id().value(), seqs)))));
            });
        }
        return callers.key(request).flatMap(key -> {
            JsonBodies.requireJson(request, SENDABLE);
            String idempotencyKey = RequestHeaders.idempotencyKey(request);
            Mono<String> chunk = bodies.readObject(request, PayloadTooLargeException.Limit.MAX_CHUNK_SIZE,
                            chunks.maxBodyBytes())
                    .switchIfEmpty(Mono.error(() -> new InvalidRequestException(
                            "The body must be {\"data\": \"<string>\"}")))
                    .map(chunks::of);
            return streams.sendableSession(key).flatMap(session -> budget.reserving(key.tenant(), request,
                    chunks.maxBodyBytes(), () -> chunk
                            .flatMap(data -> streams.send(session, data, idempotencyKey))
                            .flatMap(seq -> ok(new ApiResponses.Sent(session.id().value(), seq)))));
        });
    }

    /**
     * Live Server-Sent Events, resumable by {@code Last-Event-ID}; or the results held, as JSON, when asked for; 406
     * for an {@code Accept} that admits neither.
     */
    Mono<ServerResponse> results(ServerRequest request) {
        return callers.key(request).flatMap(key -> {
            boolean asJson = RequestHeaders.resultsAsJson(request);
            long lastEventId = RequestHeaders.lastEventId(request);
            return streams.session(key)
                    .flatMap(session -> asJson ? held(session, lastEventId) : live(request, session, lastEventId));
        });
    }

    private Mono<ServerResponse> held(StreamSession session, long lastEventId) {
        return ok(new ApiResponses.Results(streams.heldEvents(session, lastEventId), lastEventId,
                session.state() == StreamSession.State.ENDED));
    }

    private Mono<ServerResponse> live(ServerRequest request, StreamSession session, long lastEventId) {
        if (lastEventId != ResultEvent.NO_ID && lastEventId == session.endEventId()) {
            // The reader already has the end event: 204 tells an EventSource to stop reconnecting.
            return ServerResponse.noContent().build();
        }
        ServerResponse.BodyBuilder events = ServerResponse.ok()
                .contentType(MediaType.TEXT_EVENT_STREAM)
                .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .header("X-Accel-Buffering", "no");
        if (request.method() == HttpMethod.HEAD) {
            return events.build(); // what a GET would get, without becoming a reader: the events never end to drop
        }
        return events.body(SseEvents.body(sse.frame(streams.readBatches(session, lastEventId),
                WritabilityGate.connectionOf(request))));
    }

    Mono<ServerResponse> end(ServerRequest request) {
        return callers.key(request).flatMap(key -> streams.end(key, StreamService.ENDED_BY_CLIENT)
                .then(ok(new ApiResponses.Ended(key.id().value()))));
    }

    Mono<ServerResponse> status(ServerRequest request) {
        return callers.key(request).flatMap(streams::session).flatMap(session -> ok(ApiResponses.Status.of(session)));
    }

    private static Mono<ServerResponse> ok(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }
}
