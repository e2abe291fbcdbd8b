package io.streamgate.processing.builtin;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.streamgate.processing.Chunk;
import io.streamgate.processing.InvalidOptionsException;
import io.streamgate.processing.Output;
import io.streamgate.processing.ProcessingFailure;
import io.streamgate.processing.StreamContext;
import io.streamgate.processing.StreamProcessor;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.UnsupportedMediaTypeException;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Puts any service behind Streamgate without writing Java: POSTs each chunk as {@code {"stream_id","seq","data"}} to
 * {@code streamgate.processing.http.url} and turns each line of its {@code application/x-ndjson} answer, as it streams
 * in, into one result (each line {@code {"data": "..."}}; other fields are carried over). A non-2xx answer or a line
 * that is not such an object fails the chunk, which is then retried and finally dead-lettered like any failure, its
 * readers told what the service did wrong (a {@link ProcessingFailure}); the engine's chunk timeout bounds the whole
 * call.
 */
public final class HttpProcessor implements StreamProcessor {

    private final WebClient client;
    private final URI service;
    private final JsonMapper json;
    private final boolean refuseStreams;

    /**
     * @param client        calls the service; null when none is configured here
     * @param service       the service's URL; null when none is configured here
     * @param refuseStreams refuse to start streams (400): this instance would process them and has no URL. A gateway
     *                      that only serves accepts them: the processors have the URL
     */
    public HttpProcessor(WebClient client, URI service, JsonMapper json, boolean refuseStreams) {
        this.client = client;
        this.service = service;
        this.json = json;
        this.refuseStreams = refuseStreams;
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public void checkOptions(Map<String, String> options) {
        if (refuseStreams) {
            throw new InvalidOptionsException("Processor 'http' is not configured here (streamgate.processing.http.url)");
        }
        StreamProcessor.super.checkOptions(options);
    }

    @Override
    public Flux<Output> onChunk(Chunk chunk, StreamContext stream) {
        if (client == null) {
            return Flux.error(new ProcessingFailure(
                    "this processor has no service to call (streamgate.processing.http.url)"));
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("stream_id", stream.streamId());
        request.put("seq", chunk.seq());
        request.put("data", chunk.data());
        AtomicLong lines = new AtomicLong();
        return client.post()
                .uri(service)
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_NDJSON)
                .bodyValue(request)
                .retrieve()
                .bodyToFlux(JsonNode.class)
                .map(line -> output(lines.incrementAndGet(), line))
                .onErrorMap(error -> !(error instanceof ProcessingFailure), error -> toReaders(error, lines.get() + 1));
    }

    private Output output(long number, JsonNode line) {
        JsonNode data = line.get("data");
        if (!line.isObject() || data == null || !data.isString()) {
            throw new ProcessingFailure(
                    "line " + number + " of the service's answer is not an object with a string 'data'");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : line.properties()) {
            if (!field.getKey().equals("data") && !field.getKey().equals("seq")) {
                fields.put(field.getKey(), json.treeToValue(field.getValue(), Object.class));
            }
        }
        return new Output(data.stringValue(), fields);
    }

    /**
     * The call's failure as the stream's readers are told it (the cause goes to the log and dead letter). WebClient
     * wraps what goes wrong reading a 200's body in a response exception of that status, so the body's failures are
     * looked for among the causes first.
     */
    private static ProcessingFailure toReaders(Throwable error, long line) {
        String what;
        if (causedBy(error, DataBufferLimitException.class)) {
            what = "line " + line + " of the service's answer is larger than the limit of a line";
        } else if (causedBy(error, DecodingException.class)) {
            what = "line " + line + " of the service's answer is not JSON";
        } else if (error instanceof WebClientResponseException answered) {
            what = "the service answered " + answered.getStatusCode().value();
        } else if (error instanceof WebClientRequestException) {
            what = "the service could not be reached";
        } else if (error instanceof UnsupportedMediaTypeException) {
            what = "the service's answer is not application/x-ndjson";
        } else {
            what = "the call to the service failed (" + error.getClass().getSimpleName() + ")";
        }
        return new ProcessingFailure(what, error);
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> kind) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (kind.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
