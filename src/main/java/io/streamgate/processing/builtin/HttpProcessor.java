package io.streamgate.processing.builtin;

import java.util.LinkedHashMap;
import java.util.Map;

import io.streamgate.processing.Chunk;
import io.streamgate.processing.InvalidOptionsException;
import io.streamgate.processing.Output;
import io.streamgate.processing.StreamContext;
import io.streamgate.processing.StreamProcessor;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Puts any service behind Streamgate without writing Java: POSTs each chunk as {@code {"stream_id","seq","data"}} to
 * {@code streamgate.processing.http.url} and turns each line of its {@code application/x-ndjson} answer, as it streams
 * in, into one result (each line {@code {"data": "..."}}; other fields are carried over). A non-2xx answer or a line
 * that is not such an object fails the chunk, which is then retried and finally dead-lettered like any failure; the
 * engine's chunk timeout bounds the whole call.
 */
public final class HttpProcessor implements StreamProcessor {

    private final WebClient client;
    private final JsonMapper json;
    private final boolean refuseStreams;

    /**
     * @param client        has the service's URL as its base; null when none is configured here
     * @param refuseStreams refuse to start streams (400): this instance would process them and has no URL. A gateway
     *                      that only serves accepts them: the processors have the URL
     */
    public HttpProcessor(WebClient client, JsonMapper json, boolean refuseStreams) {
        this.client = client;
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
            return Flux.error(new IllegalStateException("streamgate.processing.http.url is not set on this processor"));
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("stream_id", stream.streamId());
        request.put("seq", chunk.seq());
        request.put("data", chunk.data());
        return client.post()
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_NDJSON)
                .bodyValue(request)
                .retrieve()
                .bodyToFlux(JsonNode.class)
                .map(this::output);
    }

    private Output output(JsonNode line) {
        JsonNode data = line.get("data");
        if (!line.isObject() || data == null || !data.isString()) {
            throw new IllegalStateException("Each line of the answer must be an object with a string 'data'");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : line.properties()) {
            if (!field.getKey().equals("data") && !field.getKey().equals("seq")) {
                fields.put(field.getKey(), json.treeToValue(field.getValue(), Object.class));
            }
        }
        return new Output(data.stringValue(), fields);
    }
}
