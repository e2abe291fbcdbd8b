package io.streamgate.processing;

import static io.streamgate.support.StreamClient.TIMEOUT;
import static io.streamgate.support.StreamClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamgate.kafka.TestKafka;
import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

/**
 * Processors that leave more than a record takes, on a real broker with records of at most 256 KB: a state that
 * outgrows the state log, a failure whose message quotes its chunk five times. Stored as they were, either made Kafka
 * refuse every transaction of the partition, over and over, and no stream of it got a result again; now the steps
 * that would store too much state fail as any processor's failure does, a failure's message is cut to what readers
 * and operators get of it, and the partition goes on. And states that together would take more of the processor's
 * heap than its {@code max-state-bytes} (800 KB here): the step that would take them past it fails the same way.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.kafka.requests-topic=it.log-limits.requests",
        "streamgate.kafka.results-topic=it.log-limits.results",
        "streamgate.kafka.state-topic=it.log-limits.processor-state",
        "streamgate.kafka.dead-letter-topic=" + LogLimitsIT.DEAD_LETTERS,
        "streamgate.kafka.processor-group=it-log-limits",
        "streamgate.kafka.partitions=1", // every stream here shares the one partition
        "streamgate.stream.max-chunk-size=64KB",
        "streamgate.kafka.max-record-size=256KB",
        "streamgate.processing.retries=1",
        "streamgate.processing.retry-backoff=50ms",
        "streamgate.processing.max-state-bytes=800KB"})
@Import(LogLimitsIT.Processors.class)
class LogLimitsIT {

    static final String DEAD_LETTERS = "it.log-limits.dead-letters";
    private static final String TOO_LARGE = "processing failed: the stream's state would take 300";
    /** 480,136 bytes as counted (StateRoom) beside 360,136: past 800 KB. */
    private static final String NO_ROOM = "processing failed: the stream's state would take the processor's streams'"
            + " states to 840272 bytes, more than the 819200 they may take (max-state-bytes)";

    @LocalServerPort
    int port;
    @Autowired
    MeterRegistry meters;
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
        List<String> bystanders = client.events(bystander).take(TIMEOUT).map(LogLimitsIT::described).collectList()
                .block();
        client.end(hoarder);
        List<String> hoarders = client.events(hoarder).take(TIMEOUT).map(LogLimitsIT::described).collectList()
                .block();

        assertThat(bystanders).as("a stream of the same partition").containsExactly("STILL HERE", "end");
        assertThat(hoarders).as("each step's result as it was emitted, then the error of a step that failed")
                .containsExactly("held 60000", "held 120000", "held 180000", "held 240000", "held 300000", TOO_LARGE,
                        "held 300000", TOO_LARGE, "held 240007", "end");
        await().atMost(TIMEOUT).until(() -> deadLetters(hoarder).size() == 2);
        assertThat(deadLetters(hoarder)).extracting(letter -> letter.get("data").asString().substring(0, 3))
                .containsExactly("555", "666");
    }

    @Test
    void shouldFailTheStepThatWouldTakeAllTheStreamsStatesPastTheProcessorsRoomAndGoOn() {
        await().atMost(TIMEOUT).until(this::stateBytes, bytes -> bytes == 0); // an earlier test's streams forgotten
        String first = client.start("first-" + System.nanoTime(), "hoarder");
        String second = client.start("second-" + System.nanoTime(), "hoarder");

        for (int chunk = 1; chunk <= 4; chunk++) {
            client.send(first, Integer.toString(chunk).repeat(60_000));
        }
        await().atMost(TIMEOUT).until(this::stateBytes, bytes -> bytes == 480_136); // 240,000 characters held
        for (int chunk = 1; chunk <= 3; chunk++) { // the third would leave 180,000 characters beside the first's
            client.send(second, Integer.toString(chunk).repeat(60_000));
        }
        client.send(second, "and one");
        client.end(first);
        client.end(second);
        List<String> firsts = client.events(first).take(TIMEOUT).map(LogLimitsIT::described).collectList().block();
        List<String> seconds = client.events(second).take(TIMEOUT).map(LogLimitsIT::described).collectList().block();

        assertThat(firsts).containsExactly("held 60000", "held 120000", "held 180000", "held 240000", "end");
        assertThat(seconds).as("each step's result as it was emitted, then the error of the step that failed")
                .containsExactly("held 60000", "held 120000", "held 180000", NO_ROOM, "held 120007", "end");
        await().atMost(TIMEOUT).until(() -> deadLetters(second).size() == 1);
        assertThat(deadLetters(second).get(0).get("data").asString()).startsWith("333");
        await().atMost(TIMEOUT).until(this::stateBytes, bytes -> bytes == 0); // both ended and forgotten
    }

    @Test
    void shouldCutAFailuresMessageToWhatItsErrorResultAndDeadLetterTakeAndGoOn() {
        String quoter = client.start("quoter-" + System.nanoTime(), "quoter");

        client.send(quoter, "q".repeat(60_000)); // its failure quotes it five times: 300,000 characters
        client.send(quoter, "fine");
        client.end(quoter);
        List<String> events = client.events(quoter).take(TIMEOUT)
                .map(event -> event.event() + " " + json(event.data()).path("error").asString(
                        json(event.data()).path("data").asString(""))).collectList().block();

        assertThat(events).hasSize(3);
        assertThat(events.get(0)).startsWith("result processing failed: cannot read qqq").endsWith("q…")
                .hasSize("result processing failed: ".length() + 1_000);
        assertThat(events.subList(1, 3)).containsExactly("result read 4", "end ");
        await().atMost(TIMEOUT).until(() -> deadLetters(quoter).size() == 1);
        assertThat(deadLetters(quoter).get(0).get("error").asString()).startsWith("ProcessingFailure: cannot read qqq")
                .hasSize(8_000);
    }

    /**
     * A result by what its processor said, an error of a state too large for the log by its start, another error
     * whole, an end by its kind.
     */
    private static String described(ServerSentEvent<String> event) {
        if (!event.event().equals("result")) {
            return event.event();
        }
        JsonNode result = json(event.data());
        if (!result.has("error")) {
            return result.get("data").asString();
        }
        String error = result.get("error").asString();
        return error.startsWith(TOO_LARGE) ? TOO_LARGE : error;
    }

    private double stateBytes() {
        return meters.get("streamgate.processing.state.bytes").gauge().value();
    }

    private static List<JsonNode> deadLetters(String id) {
        return TestKafka.readAll(DEAD_LETTERS).stream().filter(record -> record.key().endsWith(id))
                .map(record -> json(record.value())).toList();
    }

    /** hoarder keeps every chunk it is sent in its state and says how much it holds; quoter, see its test. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Processors {

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

        @Bean
        StreamProcessor quoterProcessor() {
            return new StreamProcessor() {
                @Override
                public String name() {
                    return "quoter";
                }

                @Override
                public Flux<Output> onChunk(Chunk chunk, StreamContext stream) {
                    if (chunk.data().startsWith("q")) {
                        return Flux.error(new ProcessingFailure("cannot read " + chunk.data().repeat(5)));
                    }
                    return Flux.just(Output.of("read " + chunk.data().length()));
                }
            };
        }
    }
}
