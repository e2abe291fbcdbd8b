package io.streamgate.processing;

import static io.streamgate.support.StreamClient.TIMEOUT;
import static io.streamgate.support.StreamClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;

import io.streamgate.kafka.TestKafka;
import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

/**
 * A processor whose state outgrows what the state log takes, on a real broker with records of at most 256 KB: the
 * steps that would store too much fail as any processor's failure does, and the partition goes on. Stored, such a
 * state made Kafka refuse every transaction of the partition, over and over, and no stream of it got a result again.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.kafka.requests-topic=it.state-limit.requests",
        "streamgate.kafka.results-topic=it.state-limit.results",
        "streamgate.kafka.state-topic=it.state-limit.processor-state",
        "streamgate.kafka.dead-letter-topic=" + StateLimitIT.DEAD_LETTERS,
        "streamgate.kafka.processor-group=it-state-limit",
        "streamgate.kafka.partitions=1", // every stream here shares the one partition
        "streamgate.stream.max-chunk-size=64KB",
        "streamgate.kafka.max-record-size=256KB",
        "streamgate.processing.retries=1",
        "streamgate.processing.retry-backoff=50ms"})
@Import(StateLimitIT.HoarderPlugin.class)
class StateLimitIT {

    static final String DEAD_LETTERS = "it.state-limit.dead-letters";
    private static final String TOO_LARGE = "processing failed: the stream's state would take 300";

    @LocalServerPort
    int port;
    private StreamClient client;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    @BeforeEach
    void connect() {
        client = new StreamClient(port);
    }

    @Test
    void shouldFailTheStepsThatLeaveAStateTooLargeToStoreAndGoOn() {
        String hoarder = client.start("hoarder-" + System.nanoTime(), "hoarder");
        String bystander = client.start("bystander-" + System.nanoTime(), "uppercase");

        for (int chunk = 1; chunk <= 6; chunk++) { // 60,000 characters each: the fifth would leave 300,000
            client.send(hoarder, Integer.toString(chunk).repeat(60_000));
        }
        client.send(hoarder, "and one");
        client.send(bystander, "still here");
        client.end(bystander);
        // What arrives within the timeout, so that a stalled partition fails the assertions with what was got.
        List<String> bystanders = client.events(bystander).take(TIMEOUT).map(StateLimitIT::described).collectList()
                .block();
        client.end(hoarder);
        List<String> hoarders = client.events(hoarder).take(TIMEOUT).map(StateLimitIT::described).collectList()
                .block();

        assertThat(bystanders).as("a stream of the same partition").containsExactly("STILL HERE", "end");
        assertThat(hoarders).as("each step's result as it was emitted, then the error of a step that failed")
                .containsExactly("held 60000", "held 120000", "held 180000", "held 240000", "held 300000", TOO_LARGE,
                        "held 300000", TOO_LARGE, "held 240007", "end");
        await().atMost(TIMEOUT).until(() -> deadLetters(hoarder).size() == 2);
        assertThat(deadLetters(hoarder)).extracting(letter -> letter.get("data").asString().substring(0, 3))
                .containsExactly("555", "666");
    }

    /** A result by what its processor said, an error by its start, an end by its kind. */
    private static String described(org.springframework.http.codec.ServerSentEvent<String> event) {
        if (!event.event().equals("result")) {
            return event.event();
        }
        JsonNode result = json(event.data());
        return result.has("error") ? result.get("error").asString().substring(0, TOO_LARGE.length())
                : result.get("data").asString();
    }

    private static List<JsonNode> deadLetters(String id) {
        return TestKafka.readAll(DEAD_LETTERS).stream().filter(record -> record.key().endsWith(id))
                .map(record -> json(record.value())).toList();
    }

    /** Keeps every chunk it was sent in its state, and says how much it holds. */
    @TestConfiguration(proxyBeanMethods = false)
    static class HoarderPlugin {

        @Bean
        StreamProcessor hoarderProcessor() {
            return new StreamProcessor() {
                @Override
                public String name() {
                    return "hoarder";
                }

                @Override
                public Flux<Output> onChunk(Chunk chunk, StreamContext stream) {
                    String held = stream.state().get("held");
                    stream.state().put("held", (held == null ? "" : held) + chunk.data());
                    return Flux.just(Output.of("held " + stream.state().get("held").length()));
                }
            };
        }
    }
}
