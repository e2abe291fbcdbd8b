package io.streamgate.support;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A test client speaking the gateway's HTTP API as a user's client would. */
public final class StreamClient {

    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
    };

    /**
     * Pooled connections are dropped after 1 s idle, below the gateway's idle timeout in every test context: a client
     * that keeps connections longer than the server races it on reuse ("prematurely closed").
     */
    private static final ConnectionProvider POOL = ConnectionProvider.builder("it-clients")
            .maxConnections(200)
            .maxIdleTime(Duration.ofSeconds(1))
            .pendingAcquireMaxCount(-1)
            .build();

    /**
     * The clients' own event loops, as a real client's would be: on Reactor Netty's global loops they would share
     * threads with the apps some tests start in this JVM, whose shutdown disposes those global resources. With them
     * shared, EmbeddedDefaultIT hung about one CI run in four: its thread dumps showed the restarted app handling the
     * request's last content only when the client gave up after 30 s.
     */
    private static final LoopResources LOOPS = LoopResources.create("it-client", 2, true);

    private final WebClient http;
    private final String baseUrl;

    public StreamClient(int port) {
        this(port, null);
    }

    /** A client that presents {@code apiKey} as {@code Authorization: Bearer} on every request (none when null). */
    public StreamClient(int port, String apiKey) {
        this("http://127.0.0.1:" + port, HttpClient.create(POOL), apiKey);
    }

    /** A client on a connection setup of the caller's: another protocol (HTTP/2), TLS. */
    public StreamClient(String baseUrl, HttpClient connections, String apiKey) {
        this.baseUrl = baseUrl;
        WebClient.Builder builder = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(connections.runOn(LOOPS)))
                .baseUrl(baseUrl)
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024));
        if (apiKey != null) {
            builder.defaultHeader("Authorization", "Bearer " + apiKey);
        }
        this.http = builder.build();
    }

    public WebClient http() {
        return http;
    }

    /** A response as a user sees it: status, content type and the body parsed as JSON (null when empty). */
    public record Answer(int status, MediaType contentType, JsonNode body, Map<String, String> headers) {
    }

    public Answer exchange(WebClient.RequestHeadersSpec<?> request) {
        try {
            return request.exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                            .map(body -> new Answer(response.statusCode().value(),
                                    response.headers().contentType().orElse(null),
                                    body.isEmpty() ? null : JSON.readTree(body),
                                    response.headers().asHttpHeaders().toSingleValueMap())))
                    .block(TIMEOUT);
        } catch (IllegalStateException timedOut) {
            ThreadDumps.print("a request got no answer in " + TIMEOUT);
            System.out.println(ServerProbe.onNewConnection(baseUrl));
            throw timedOut;
        }
    }

    public String start(String id) {
        return started(exchange(http.post().uri("/stream/{id}/start", id)));
    }

    public String start(String id, String processor) {
        return started(exchange(http.post().uri("/stream/{id}/start", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("processor", processor))));
    }

    private static String started(Answer answer) {
        require(answer, 201);
        return answer.body().get("stream_id").stringValue();
    }

    public long send(String id, String data) {
        Answer answer = trySend(id, data);
        require(answer, 200);
        return answer.body().get("seq").longValue();
    }

    /** A send whatever its answer: for tests that count refusals instead of failing on them. */
    public Answer trySend(String id, String data) {
        return exchange(http.post().uri("/stream/{id}/send", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("data", data)));
    }

    /** An NDJSON batch (one {@code {"data": ...}} object a line), whatever its answer. */
    public Answer trySendBatch(String id, String ndjson) {
        return exchange(http.post().uri("/stream/{id}/send", id)
                .contentType(MediaType.APPLICATION_NDJSON)
                .bodyValue(ndjson));
    }

    /** A send under the client's {@code Idempotency-Key}, whatever its answer. */
    public Answer trySend(String id, String data, String idempotencyKey) {
        return exchange(http.post().uri("/stream/{id}/send", id)
                .contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", idempotencyKey)
                .bodyValue(Map.of("data", data)));
    }

    public void end(String id) {
        require(exchange(http.post().uri("/stream/{id}/end", id)), 200);
    }

    /** {@code GET /stream/{id}}: the stream's state as the API reports it. */
    public JsonNode status(String id) {
        return exchange(http.get().uri("/stream/{id}", id)).body();
    }

    /** Waits until the gateway reports the stream ended (its end marker has gone through the processor). */
    public void awaitEnded(String id) {
        org.awaitility.Awaitility.await("end of " + id).atMost(TIMEOUT)
                .until(() -> status(id).get("state").stringValue().equals("ended"));
    }

    /** The stream's events (heartbeat comments left out), from the start or after {@code lastEventId}. */
    public Flux<ServerSentEvent<String>> events(String id, String lastEventId) {
        return http.get().uri("/stream/{id}/results", id)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .headers(headers -> {
                    if (lastEventId != null) {
                        headers.set("Last-Event-ID", lastEventId);
                    }
                })
                .retrieve()
                .bodyToFlux(SSE)
                .filter(event -> event.event() != null);
    }

    public Flux<ServerSentEvent<String>> events(String id) {
        return events(id, null);
    }

    /** {@code GET /stream/{id}/results} as JSON: the results held after {@code lastEventId} (all when null). */
    public JsonNode poll(String id, String lastEventId) {
        Answer answer = exchange(http.get()
                .uri(uri -> uri.path("/stream/{id}/results").queryParamIfPresent("lastEventId",
                        Optional.ofNullable(lastEventId)).build(id))
                .accept(MediaType.APPLICATION_JSON));
        require(answer, 200);
        return answer.body();
    }

    /**
     * A meter's value in the gateway's Prometheus scrape (as this client's key may read it), summed over the series
     * whose labels include each of {@code labels} ({@code "name", "value"}, ...), or its one series when it has no
     * labels; 0 when there is none yet.
     */
    public double scraped(String series, String... labels) {
        String scrape = http.get().uri("/actuator/prometheus").retrieve().bodyToMono(String.class).block(TIMEOUT);
        return scrape.lines()
                .filter(line -> line.startsWith(series + "{") || line.startsWith(series + " "))
                .filter(line -> IntStream.range(0, labels.length / 2)
                        .allMatch(i -> line.contains(labels[2 * i] + "=\"" + labels[2 * i + 1] + "\"")))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    public static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    private static void require(Answer answer, int status) {
        if (answer.status() != status) {
            throw new AssertionError("Expected " + status + " but got " + answer.status() + ": " + answer.body());
        }
    }
}
