package io.streamgate.http;

import java.net.URI;
import java.security.Principal;
import java.util.List;

import io.netty.channel.Channel;
import io.streamgate.stream.InvalidRequestException;
import io.streamgate.stream.ResultEvent;
import io.streamgate.stream.StreamId;
import io.streamgate.stream.StreamKey;
import io.streamgate.stream.StreamService;
import io.streamgate.stream.StreamSession;
import io.streamgate.stream.Utf8;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;

/** Thin handlers: parse the request, call {@link StreamService}, map the outcome. Errors go to {@link Problems}. */
final class StreamHandler {

    private static final MediaType NDJSON = MediaType.APPLICATION_NDJSON;

    /** A start body names a processor and its options. */
    private static final long MAX_START_BODY = 4 * 1024;

    private final StreamService streams;
    private final JsonBodies bodies;
    private final SseEvents sse;
    private final long maxChunkBytes;
    private final long maxSendBody;
    private final int maxBatchChunks;
    private final long maxBatchBytes;

    StreamHandler(StreamService streams, JsonBodies bodies, SseEvents sse, long maxChunkBytes, int maxBatchChunks,
                  long maxBatchBytes) {
        this.streams = streams;
        this.bodies = bodies;
        this.sse = sse;
        this.maxChunkBytes = maxChunkBytes;
        this.maxBatchChunks = maxBatchChunks;
        this.maxBatchBytes = maxBatchBytes;
        // JSON escaping can make the body larger than the chunk it carries; the chunk itself is checked exactly.
        this.maxSendBody = 2 * maxChunkBytes + 16 * 1024;
    }

    Mono<ServerResponse> start(ServerRequest request) {
        return tenant(request).flatMap(tenant -> startStream(request, tenant, null));
    }

    Mono<ServerResponse> startWithId(ServerRequest request) {
        return tenant(request).flatMap(tenant -> startStream(request, tenant, streamId(request)));
    }

    private Mono<ServerResponse> startStream(ServerRequest request, String tenant, StreamId id) {
        return bodies.readObject(request, MAX_START_BODY)
                .map(StartBody::of)
                .defaultIfEmpty(StartBody.NONE)
                .flatMap(body -> streams.start(tenant, id, body.processor(), body.options()))
                .flatMap(session -> ServerResponse.created(URI.create("/stream/" + session.id()))
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(new ApiResponses.Started(session.id().value())));
    }

    Mono<ServerResponse> send(ServerRequest request) {
        if (isNdjson(request)) {
            return sendBatch(request);
        }
        return key(request).flatMap(key -> {
            JsonBodies.requireJson(request);
            return bodies.readObject(request, maxSendBody)
                    .switchIfEmpty(Mono.error(() -> new InvalidRequestException("The body must be {\"data\": \"<string>\"}")))
                    .map(this::chunk)
                    .flatMap(data -> streams.send(key, data, idempotencyKey(request)))
                    .flatMap(seq -> ServerResponse.ok()
                            .contentType(MediaType.APPLICATION_JSON)
                            .bodyValue(new ApiResponses.Sent(key.id().value(), seq)));
        });
    }

    /**
     * Many chunks in one request, one JSON object per line, read line by line as the body arrives. Nothing is written
     * until every line has been checked: a bad line refuses the whole batch (with its number), and the chunks go to
     * Kafka in one ordered producer call; answered once every one is durable.
     */
    private Mono<ServerResponse> sendBatch(ServerRequest request) {
        return key(request).flatMap(key -> {
            if (request.headers().firstHeader("Idempotency-Key") != null) {
                throw new InvalidRequestException("Idempotency-Key applies to single sends; an NDJSON batch is all or"
                        + " nothing, so retry it only when the answer says nothing was stored");
            }
            long declared = request.headers().contentLength().orElse(-1);
            if (declared > maxBatchBytes) {
                throw new PayloadTooLargeException(PayloadTooLargeException.Limit.MAX_BATCH_SIZE,
                        "The batch is larger than " + maxBatchBytes + " bytes");
            }
            return NdjsonLines.split(atMost(request.body(BodyExtractors.toDataBuffers()), maxBatchBytes), maxSendBody)
                    .index()
                    .map(numbered -> {
                        if (numbered.getT1() >= maxBatchChunks) {
                            throw new BadLineException(numbered.getT2().number(), new PayloadTooLargeException(
                                    PayloadTooLargeException.Limit.MAX_BATCH_CHUNKS, "A batch carries at most " + maxBatchChunks + " chunks"));
                        }
                        return lineChunk(numbered.getT2());
                    })
                    .collectList()
                    .flatMap(chunks -> {
                        if (chunks.isEmpty()) {
                            throw new InvalidRequestException("The batch has no lines");
                        }
                        return streams.sendAll(key, chunks);
                    })
                    .flatMap(seqs -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                            .bodyValue(new ApiResponses.SentBatch(key.id().value(), seqs)));
        });
    }

    /** The body, failing with 413 as soon as it grows past {@code maxBytes} (a missing Content-Length included). */
    private static Flux<DataBuffer> atMost(Flux<DataBuffer> body, long maxBytes) {
        return Flux.defer(() -> {
            long[] seen = {0};
            return body.handle((buffer, sink) -> {
                seen[0] += buffer.readableByteCount();
                if (seen[0] > maxBytes) {
                    DataBufferUtils.release(buffer);
                    sink.error(new PayloadTooLargeException(PayloadTooLargeException.Limit.MAX_BATCH_SIZE,
                            "The batch is larger than " + maxBytes + " bytes"));
                } else {
                    sink.next(buffer);
                }
            });
        });
    }

    private String lineChunk(NdjsonLines.Line line) {
        try {
            return chunk(bodies.parseObject(line.text()));
        } catch (InvalidRequestException | PayloadTooLargeException refused) {
            throw new BadLineException(line.number(), refused);
        }
    }

    private static boolean isNdjson(ServerRequest request) {
        return request.headers().contentType().map(NDJSON::equalsTypeAndSubtype).orElse(false);
    }

    Mono<ServerResponse> results(ServerRequest request) {
        return key(request).flatMap(streams::session).flatMap(session -> {
            if (wantsJson(request)) {
                return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(ResultsSnapshot.json(
                        streams.heldEvents(session), session.state() == StreamSession.State.ENDED));
            }
            long lastEventId = lastEventId(request);
            if (lastEventId != ResultEvent.NO_ID && lastEventId == session.endEventId()) {
                // The reader already has the end event: 204 tells an EventSource to stop reconnecting.
                return ServerResponse.noContent().build();
            }
            return ServerResponse.ok()
                    .contentType(MediaType.TEXT_EVENT_STREAM)
                    .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                    .header("X-Accel-Buffering", "no")
                    .body(SseEvents.body(sse.frame(streams.readBatches(session, lastEventId), connection(request))));
        });
    }

    /** The reader's connection, so that its events wait for room on it; null outside Reactor Netty. */
    private static Channel connection(ServerRequest request) {
        Object nativeResponse = ServerHttpResponseDecorator.getNativeResponse(request.exchange().getResponse());
        if (!(nativeResponse instanceof HttpServerResponse response)) {
            return null;
        }
        Channel[] channel = new Channel[1];
        response.withConnection(connection -> channel[0] = connection.channel());
        return channel[0];
    }

    Mono<ServerResponse> end(ServerRequest request) {
        return key(request).flatMap(key -> streams.end(key, StreamService.ENDED_BY_CLIENT)
                .then(ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(new ApiResponses.Ended(key.id().value()))));
    }

    Mono<ServerResponse> status(ServerRequest request) {
        return key(request).flatMap(streams::session).flatMap(session -> ServerResponse.ok()
                .contentType(MediaType.APPLICATION_JSON).bodyValue(new ApiResponses.Status(
                        "success", session.id().value(), session.state().name().toLowerCase(), session.processor(),
                        session.created(), session.endReason(), session.results(), session.readers())));
    }

    private String chunk(JsonNode body) {
        JsonNode data = body.get("data");
        if (data == null || data.isNull()) {
            throw new InvalidRequestException("Field 'data' is required");
        }
        if (!data.isString()) {
            throw new InvalidRequestException("Field 'data' must be a string");
        }
        String chunk = data.stringValue();
        if (!Utf8.isWellFormed(chunk)) {
            // Kafka stores UTF-8; an unpaired surrogate would silently become '?' on the way.
            throw new InvalidRequestException("Field 'data' must be valid Unicode (it has an unpaired surrogate)");
        }
        if (Utf8.length(chunk) > maxChunkBytes) {
            throw new PayloadTooLargeException(PayloadTooLargeException.Limit.MAX_CHUNK_SIZE,
                    "The chunk is larger than " + maxChunkBytes + " bytes");
        }
        return chunk;
    }

    private static StreamId streamId(ServerRequest request) {
        return new StreamId(request.pathVariable("streamId"));
    }

    /**
     * The caller's tenant: the authenticated principal's name (empty for the open gateway). Streams are scoped by
     * it, so another tenant's stream of the same id simply does not exist for this caller.
     */
    private static Mono<String> tenant(ServerRequest request) {
        return request.principal().map(Principal::getName).defaultIfEmpty("");
    }

    private static Mono<StreamKey> key(ServerRequest request) {
        return tenant(request).map(tenant -> new StreamKey(tenant, streamId(request)));
    }

    /** SSE unless the client asks for JSON over it (EventSource sends {@code Accept: text/event-stream}). */
    private static boolean wantsJson(ServerRequest request) {
        List<MediaType> accept = request.headers().accept();
        double json = quality(accept, MediaType.APPLICATION_JSON);
        return json > 0 && json > quality(accept, MediaType.TEXT_EVENT_STREAM);
    }

    private static double quality(List<MediaType> accept, MediaType type) {
        return accept.stream()
                .filter(type::equalsTypeAndSubtype)
                .mapToDouble(MediaType::getQualityValue)
                .max()
                .orElse(0);
    }

    /** The optional {@code Idempotency-Key}: 1 to 128 visible ASCII characters. */
    private static String idempotencyKey(ServerRequest request) {
        String key = request.headers().firstHeader("Idempotency-Key");
        if (key == null) {
            return null;
        }
        if (key.isEmpty() || key.length() > 128 || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7E)) {
            throw new InvalidRequestException("Idempotency-Key must be 1 to 128 visible ASCII characters");
        }
        return key;
    }

    /** {@code Last-Event-ID} (set by EventSource on reconnect), or the {@code lastEventId} query parameter. */
    private static long lastEventId(ServerRequest request) {
        String value = request.headers().firstHeader("Last-Event-ID");
        if (value == null) {
            value = request.queryParam("lastEventId").orElse(null);
        }
        if (value == null || value.isBlank()) {
            return ResultEvent.NO_ID;
        }
        try {
            long id = Long.parseLong(value.trim());
            if (id < 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Last-Event-ID must be an event id received from this stream");
        }
    }
}
