package io.streamgate.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.streamgate.kafka.TestKafka;
import io.streamgate.support.OtlpReceiverStub;
import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Mono;

/**
 * One trace from a send to its delivery, with every trace sampled: the caller's {@code traceparent} is joined by the
 * HTTP request's span, and below it, each the parent of the next, the append to the command log, the processing, the
 * results feed and the SSE write, across two Kafka topics. Spans are read from an in-memory exporter beside Boot's
 * OTLP one, which sends them to a stub collector on loopback.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // On explicitly: the endpoint comes from a dynamic property source, which is read after start-up decides.
        "management.tracing.export.enabled=true",
        "management.tracing.sampling.probability=1.0",
        "management.opentelemetry.tracing.export.schedule-delay=100ms",
        "streamgate.stream.heartbeat-interval=300ms",
        "streamgate.kafka.requests-topic=it.tracing.requests",
        "streamgate.kafka.results-topic=it.tracing.results",
        "streamgate.kafka.processor-group=it-tracing-processor",
        "streamgate.kafka.partitions=2"})
@Import(TracingIT.Spans.class)
class TracingIT {

    private static final OtlpReceiverStub COLLECTOR = new OtlpReceiverStub();

    @TestConfiguration(proxyBeanMethods = false)
    static class Spans {
        @Bean
        InMemorySpanExporter inMemorySpanExporter() {
            return InMemorySpanExporter.create();
        }
    }

    @LocalServerPort
    private int port;

    @Autowired
    private InMemorySpanExporter spans;

    @DynamicPropertySource
    static void collectorAndKafka(DynamicPropertyRegistry registry) {
        registry.add("management.opentelemetry.tracing.export.otlp.endpoint", COLLECTOR::tracesEndpoint);
        registry.add("streamgate.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    @AfterAll
    static void stopCollector() {
        COLLECTOR.stop();
    }

    @Test
    void shouldTraceASendFromTheCallerToItsSseDeliveryInOneTrace() {
        StreamClient client = new StreamClient(port);
        String id = client.start("traced-" + System.nanoTime(), "uppercase");
        Mono<ServerSentEvent<String>> reader = client.events(id).filter(event -> "result".equals(event.event()))
                .next().cache();
        reader.subscribe();
        await("the reader attached").atMost(StreamClient.TIMEOUT)
                .until(() -> client.status(id).get("readers").asInt() == 1);

        String traceId = hex(16);
        String callerSpanId = hex(8);
        StreamClient.Answer sent = send(client, id, traceparent(traceId, callerSpanId, true),
                MediaType.APPLICATION_JSON, Map.of("data", "traced chunk"));
        assertThat(sent.status()).as("send answered %s", sent.body()).isEqualTo(200);
        assertThat(reader.block(StreamClient.TIMEOUT).data()).contains("TRACED CHUNK");

        await("the spans of the send, down to its delivery").atMost(StreamClient.TIMEOUT)
                .until(() -> find(traceId, span -> span.getName().equals("sse write")).isPresent());
        List<SpanData> trace = inTrace(traceId);
        SpanData request = one(trace, "the HTTP request's span", span -> span.getKind() == SpanKind.SERVER
                && span.getParentSpanId().equals(callerSpanId));
        SpanData append = one(trace, "append", span -> span.getName().equals("append to command log"));
        SpanData process = one(trace, "processing", span -> span.getName().equals("process chunk"));
        SpanData feed = one(trace, "results feed", span -> span.getName().equals("results feed"));
        SpanData delivery = one(trace, "sse write", span -> span.getName().equals("sse write"));

        assertThat(append.getParentSpanId()).as("append's parent in %s", names(trace)).isEqualTo(request.getSpanId());
        assertThat(process.getParentSpanId()).as("processing's parent").isEqualTo(append.getSpanId());
        assertThat(feed.getParentSpanId()).as("feed's parent").isEqualTo(process.getSpanId());
        assertThat(delivery.getParentSpanId()).as("delivery's parent").isEqualTo(feed.getSpanId());
        assertThat(request.getAttributes().asMap().toString()).as("the request span's attributes")
                .contains("uri=/stream/{streamId}/send");

        await("spans exported over OTLP").atMost(StreamClient.TIMEOUT).until(() -> !COLLECTOR.exports().isEmpty());
        assertThat(COLLECTOR.exports()).first().satisfies(export -> {
            assertThat(export.path()).isEqualTo("/v1/traces");
            assertThat(export.contentType()).isEqualTo("application/x-protobuf");
        });
        client.end(id);
    }

    @Test
    void shouldJoinTheCallersTraceForAnNdjsonBatchAndForWebSocketFrames() {
        StreamClient client = new StreamClient(port);
        String id = client.start("traced-batch-" + System.nanoTime(), "uppercase");
        String batchTrace = hex(16);
        StreamClient.Answer batch = send(client, id, traceparent(batchTrace, hex(8), true),
                MediaType.APPLICATION_NDJSON, "{\"data\":\"one\"}\n{\"data\":\"two\"}\n");
        assertThat(batch.status()).as("batch answered %s", batch.body()).isEqualTo(200);

        String socketTrace = hex(16);
        HttpHeaders handshake = new HttpHeaders();
        handshake.set("traceparent", traceparent(socketTrace, hex(8), true));
        new ReactorNettyWebSocketClient().execute(URI.create("ws://127.0.0.1:" + port + "/stream/" + id + "/ws"),
                handshake, socket -> socket.send(Mono.just(socket.textMessage("over the socket")))
                        .thenMany(socket.receive().map(WebSocketMessage::getPayloadAsText)
                                .filter(frame -> frame.contains("\"ack\"")).take(1))
                        .then(socket.close()))
                .block(StreamClient.TIMEOUT);

        for (String traceId : List.of(batchTrace, socketTrace)) {
            await("the append span of trace " + traceId).atMost(StreamClient.TIMEOUT).until(() ->
                    find(traceId, span -> span.getName().equals("process chunk")).isPresent());
            List<SpanData> trace = inTrace(traceId);
            SpanData append = one(trace, "append", span -> span.getName().equals("append to command log"));
            assertThat(trace).as("the append's parent in %s", names(trace))
                    .anyMatch(span -> span.getSpanId().equals(append.getParentSpanId()));
        }
        client.end(id);
    }

    @Test
    void shouldStartNoTraceForASendWithoutOneWhenTheCallersTraceIsNotSampled() {
        StreamClient client = new StreamClient(port);
        String id = client.start("unsampled-" + System.nanoTime(), "uppercase");
        String traceId = hex(16);
        StreamClient.Answer sent = send(client, id, traceparent(traceId, hex(8), false),
                MediaType.APPLICATION_JSON, Map.of("data", "not sampled"));
        assertThat(sent.status()).isEqualTo(200);
        client.end(id);
        client.awaitEnded(id);
        assertThat(inTrace(traceId)).as("spans of a trace the caller did not sample").isEmpty();
    }

    private static StreamClient.Answer send(StreamClient client, String id, String traceparent, MediaType type,
                                            Object body) {
        return client.exchange(client.http().post().uri("/stream/{id}/send", id)
                .header("traceparent", traceparent).contentType(type).bodyValue(body));
    }

    /** A caller's W3C trace context: version 00, its trace and span, sampled or not. */
    private static String traceparent(String traceId, String spanId, boolean sampled) {
        return "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00");
    }

    private List<SpanData> inTrace(String traceId) {
        return spans.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
    }

    private Optional<SpanData> find(String traceId, Predicate<SpanData> which) {
        return inTrace(traceId).stream().filter(which).findFirst();
    }

    private static SpanData one(List<SpanData> trace, String what, Predicate<SpanData> which) {
        List<SpanData> matching = trace.stream().filter(which).toList();
        assertThat(matching).as("%s among %s", what, names(trace)).hasSize(1);
        return matching.get(0);
    }

    private static List<String> names(List<SpanData> trace) {
        return trace.stream().map(span -> span.getName() + "(" + span.getSpanId() + "<-" + span.getParentSpanId() + ")")
                .toList();
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
