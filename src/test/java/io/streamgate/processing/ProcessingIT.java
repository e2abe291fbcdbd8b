package io.streamgate.processing;

import static io.streamgate.support.StreamClient.TIMEOUT;
import static io.streamgate.support.StreamClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.streamgate.kafka.TestKafka;
import io.streamgate.support.ModelServerStub.Reply;
import io.streamgate.support.ModelServerStub;
import io.streamgate.support.StreamClient;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;

/**
 * Processing that does real work, on a real broker, through the HTTP API: the {@code http} processor against a model
 * server stub on loopback (answers as they stream in, a slow call that holds up only its own stream, failures retried
 * then dead-lettered), a processor that fails on poison, and options checked at start.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.kafka.requests-topic=" + ProcessingIT.REQUESTS,
        "streamgate.kafka.results-topic=it.processing.results",
        "streamgate.kafka.processor-group=it-processing",
        "streamgate.kafka.partitions=" + ProcessingIT.PARTITIONS,
        "streamgate.processing.chunk-timeout=20s",
        "streamgate.processing.retries=1",
        "streamgate.processing.retry-backoff=50ms",
        // A backlog room of a few records per partition: reading pauses and resumes all through these tests, so the
        // pause path runs against a real consumer, and nothing here may depend on it not happening.
        "streamgate.processing.max-pending-bytes=2KB"})
@Import(ProcessingIT.PoisonProcessorPlugin.class)
class ProcessingIT {

    static final String REQUESTS = "it.processing.requests";
    static final String DEAD_LETTERS = "it.processing.dead-letters";
    static final int PARTITIONS = 2;

    /** The model server: each test says how it answers. */
    private static volatile java.util.function.Function<ModelServerStub.Call, Reply> replies = call -> Reply.of();
    private static final ModelServerStub MODEL = new ModelServerStub(call -> replies.apply(call));

    @LocalServerPort
    int port;
    private StreamClient client;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", TestKafka::bootstrapServers);
        registry.add("streamgate.processing.http.url", MODEL::url);
    }

    @BeforeEach
    void connect() {
        client = new StreamClient(port);
    }

    @AfterAll
    static void stopModel() {
        MODEL.close();
    }

    @Test
    void shouldDeliverEachLineOfTheAnswerAsItStreamsIn() {
        replies = call -> Reply.slowly(Duration.ofMillis(200), "{\"data\":\"line 1\"}", "{\"data\":\"line 2\",\"score\":0.5}",
                "{\"data\":\"line 3\"}");
        String id = client.start("streaming-" + System.nanoTime(), "http");
        CompletableFuture<List<ServerSentEvent<String>>> reading = client.events(id)
                .doOnNext(event -> MODEL.note("reader got " + event.event() + " " + event.data()))
                .collectList().toFuture();

        long seq = client.send(id, "three lines, please");
        await().atMost(TIMEOUT).until(() -> MODEL.log().stream().anyMatch(line -> line.endsWith("line 3\"}")));
        client.end(id);

        List<ServerSentEvent<String>> events = reading.join();
        assertThat(events).extracting(event -> json(event.data()).path("data").asString(""))
                .containsExactly("line 1", "line 2", "line 3", "");
        assertThat(json(events.get(1).data()).get("score").asDouble()).as("a line's other fields carried over")
                .isEqualTo(0.5);
        assertThat(json(events.get(2).data()).get("seq").asLong()).as("each says its chunk").isEqualTo(seq);
        List<String> log = MODEL.log();
        assertThat(log.indexOf("reader got result " + events.get(0).data()))
                .as("the first line's result reached the reader before the third line was written: %s", log)
                .isLessThan(log.indexOf(id + " {\"data\":\"line 3\"}"));
    }

    @Test
    void shouldNotHoldAnotherStreamOfThePartitionBehindASlowCall() {
        String slow = "slow-" + System.nanoTime();
        String quick = sharingAPartitionWith(slow);
        replies = call -> call.streamId().equals(slow)
                ? Reply.slowly(Duration.ofSeconds(5), "{\"data\":\"finally\"}")
                : Reply.of("{\"data\":\"" + call.data() + "\"}");
        client.start(slow, "http");
        client.start(quick, "http");
        CompletableFuture<Void> slowReader = client.events(slow).take(1)
                .doOnNext(event -> MODEL.note("slow got " + json(event.data()).get("data").asString())).then().toFuture();
        CompletableFuture<Void> quickReader = client.events(quick).take(3)
                .doOnNext(event -> MODEL.note("quick got " + json(event.data()).get("data").asString())).then().toFuture();

        client.send(slow, "think hard");
        for (int i = 1; i <= 3; i++) {
            client.send(quick, "quick " + i);
        }
        CompletableFuture.allOf(slowReader, quickReader).join();

        assertThat(MODEL.log().stream().filter(line -> line.startsWith("quick got") || line.startsWith("slow got")).toList())
                .as("the quick stream's results arrived while the slow one waited")
                .containsExactly("quick got quick 1", "quick got quick 2", "quick got quick 3", "slow got finally");
        client.end(slow);
        client.end(quick);
    }

    @Test
    void shouldRetryACallTheServiceFailsThenAnswerAnErrorAndDeadLetterIt() {
        replies = call -> call.data().equals("fail") ? Reply.status(500) : Reply.of("{\"data\":\"ok " + call.data() + "\"}");
        String id = client.start("failing-" + System.nanoTime(), "http");
        int callsBefore = MODEL.calls();

        client.send(id, "first");
        long failed = client.send(id, "fail");
        client.send(id, "last");
        client.end(id);

        List<String> results = client.events(id).map(event -> event.event() + " " + event.data()).collectList().block(TIMEOUT);
        assertThat(results).containsExactly(
                "result {\"seq\":" + (failed - 1) + ",\"data\":\"ok first\"}",
                "result {\"seq\":" + failed + ",\"data\":\"\",\"error\":\"processing failed: the service answered 500\"}",
                "result {\"seq\":" + (failed + 1) + ",\"data\":\"ok last\"}",
                "end {\"reason\":\"client\"}");
        assertThat(MODEL.calls() - callsBefore).as("the failing call was tried twice").isEqualTo(4);
        assertThat(deadLetters(id)).singleElement().satisfies(letter -> {
            assertThat(letter.get("seq").asLong()).isEqualTo(failed);
            assertThat(letter.get("data").asString()).isEqualTo("fail");
            assertThat(letter.get("processor").asString()).isEqualTo("http");
            assertThat(letter.get("attempts").asInt()).isEqualTo(2);
            assertThat(letter.get("error").asString()).as("what readers were told, then what lies under it")
                    .startsWith("ProcessingFailure: the service answered 500; caused by InternalServerError: 500");
        });
    }

    @Test
    void shouldTellReadersWhichLineOfTheServicesAnswerWasWrongAndHow() {
        replies = call -> switch (call.data()) {
            case "no data" -> Reply.of("{\"data\":\"fine\"}", "{\"text\":\"x\"}");
            case "not json" -> Reply.of("{\"data\":");
            case "huge" -> Reply.of("{\"data\":\"" + "x".repeat(300 * 1024) + "\"}");
            default -> Reply.of("{\"data\":\"" + call.data() + "\"}");
        };
        String id = client.start("wrong-answers-" + System.nanoTime(), "http");

        for (String chunk : List.of("no data", "not json", "huge")) {
            client.send(id, chunk);
        }
        client.end(id);

        assertThat(client.events(id).filter(event -> json(event.data()).has("error"))
                .map(event -> json(event.data()).get("error").asString()).collectList().block(TIMEOUT))
                .containsExactly("processing failed: line 2 of the service's answer is not an object with a string 'data'",
                        "processing failed: line 1 of the service's answer is not JSON",
                        "processing failed: line 1 of the service's answer is larger than the limit of a line");
    }

    @Test
    void shouldDeadLetterPoisonChunksAndLeaveEverythingElseAlone() {
        String poisoned = client.start("poisoned-" + System.nanoTime(), "poison");
        String healthy = client.start("healthy-" + System.nanoTime(), "poison");

        for (String chunk : List.of("fine", "poison pill", "fine again", "more poison")) {
            client.send(poisoned, chunk);
            client.send(healthy, "healthy " + chunk.replace("poison", "p"));
        }
        client.end(poisoned);
        client.end(healthy);

        assertThat(client.events(poisoned).map(event -> json(event.data()).path("error").asString(
                json(event.data()).path("data").asString(""))).collectList().block(TIMEOUT))
                .containsExactly("FINE", "processing failed: IllegalArgumentException", "FINE AGAIN",
                        "processing failed: IllegalArgumentException", "");
        assertThat(client.events(healthy).filter(event -> event.event().equals("result"))
                .map(event -> json(event.data()).get("data").asString()).collectList().block(TIMEOUT))
                .containsExactly("HEALTHY FINE", "HEALTHY P PILL", "HEALTHY FINE AGAIN", "HEALTHY MORE P");
        assertThat(deadLetters(poisoned)).extracting(letter -> letter.get("data").asString())
                .containsExactly("poison pill", "more poison");
    }

    @Test
    void shouldDeliverABacklogPastItsPartitionsShareWhileReadingPausesAndResumes() {
        String id = client.start("backlog-" + System.nanoTime(), "echo");
        List<String> chunks = IntStream.range(0, 300).mapToObj(i -> "chunk " + i + " " + "x".repeat(60)).toList();
        StreamClient.Answer batch = client.trySendBatch(id,
                chunks.stream().map(chunk -> "{\"data\":\"" + chunk + "\"}\n").collect(Collectors.joining()));
        client.end(id);

        assertThat(batch.status()).as("answered %s", batch.body()).isEqualTo(200);
        assertThat(client.events(id).filter(event -> event.event().equals("result"))
                .map(event -> json(event.data()).get("data").asString()).collectList().block(TIMEOUT))
                .as("about 30 KB of chunks through a partition's 1 KB share of the backlog room")
                .containsExactlyElementsOf(chunks);
    }

    @Test
    void shouldStartAStreamWithItsProcessorsOptionsAndRefuseOptionsItDoesNotTake() {
        StreamClient.Answer noText = start("filter-" + System.nanoTime(), "{\"processor\":\"filter\"}");
        StreamClient.Answer notStrings = start("filter-" + System.nanoTime(),
                "{\"processor\":\"filter\",\"options\":{\"contains\":3}}");
        StreamClient.Answer unexpected = start("upper-" + System.nanoTime(),
                "{\"processor\":\"uppercase\",\"options\":{\"x\":\"y\"}}");
        String id = "filter-" + System.nanoTime();
        StreamClient.Answer started = start(id, "{\"processor\":\"filter\",\"options\":{\"contains\":\"error\"}}");

        assertThat(List.of(noText, notStrings, unexpected)).allSatisfy(answer -> {
            assertThat(answer.status()).as("answered %s", answer).isEqualTo(400);
            assertThat(answer.body().get("type").asString()).isEqualTo("/problems/invalid-request");
        });
        assertThat(noText.body().get("detail").asString()).contains("contains");
        assertThat(started.status()).as("answered %s", started).isEqualTo(201);
        for (String chunk : List.of("all good", "disk error", "still good", "error again")) {
            client.send(id, chunk);
        }
        client.end(id);
        assertThat(client.events(id).map(event -> json(event.data()).path("data").asString("")).collectList()
                .block(TIMEOUT)).containsExactly("disk error", "error again", "");
    }

    // ---- helpers

    private StreamClient.Answer start(String id, String body) {
        return client.exchange(client.http().post().uri("/stream/{id}/start", id)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body));
    }

    /** Another id whose stream lands in the same partition of the requests topic as {@code id}'s. */
    private static String sharingAPartitionWith(String id) {
        for (int n = 0; ; n++) {
            String other = "quick-" + n + "-" + System.nanoTime();
            if (partitionOf(other) == partitionOf(id)) {
                return other;
            }
        }
    }

    private static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static List<tools.jackson.databind.JsonNode> deadLetters(String id) {
        await().atMost(TIMEOUT).until(() -> TestKafka.readAll(DEAD_LETTERS).stream().anyMatch(r -> r.key().endsWith(id)));
        return TestKafka.readAll(DEAD_LETTERS).stream().filter(record -> record.key().endsWith(id))
                .map(record -> json(record.value())).toList();
    }

    /** Upper-cases chunks, and throws on any that contains "poison". */
    @TestConfiguration(proxyBeanMethods = false)
    static class PoisonProcessorPlugin {

        @Bean
        StreamProcessor poisonProcessor() {
            return new StreamProcessor() {
                @Override
                public String name() {
                    return "poison";
                }

                @Override
                public Flux<Output> onChunk(Chunk chunk, StreamContext stream) {
                    if (chunk.data().contains("poison")) {
                        throw new IllegalArgumentException("a poison chunk");
                    }
                    return Flux.just(Output.of(chunk.data().toUpperCase(java.util.Locale.ROOT)));
                }
            };
        }
    }
}
