package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.streamgate.support.StreamClient;
import io.streamgate.support.StreamgateProcess;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A stream's owner is the processor of its partition, here a separate JVM, while its sends come through a gateway
 * that runs no processor: the owner keeps a stream open while chunks reach it, though they yield no result (a
 * filter that matches nothing), and ends it once they stop for the idle timeout.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.roles=gateway",
        "streamgate.stream.idle-timeout=" + OwnerIdlenessIT.IDLE_TIMEOUT,
        "streamgate.kafka.requests-topic=" + OwnerIdlenessIT.REQUESTS,
        "streamgate.kafka.results-topic=" + OwnerIdlenessIT.RESULTS,
        "streamgate.kafka.processor-group=" + OwnerIdlenessIT.GROUP,
        "streamgate.kafka.partitions=2"})
@DirtiesContext
class OwnerIdlenessIT {

    static final String IDLE_TIMEOUT = "3s";
    static final String REQUESTS = "it.owner-idleness.requests";
    static final String RESULTS = "it.owner-idleness.results";
    static final String GROUP = "it-owner-idleness";
    private static final Duration SEND_EVERY = Duration.ofMillis(500);
    private static final int SENDS = 16; // 8 s of sends: well past the idle timeout

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    @Test
    void shouldKeepAStreamSentToThroughAGatewayOpenThoughItsChunksYieldNoResult() throws InterruptedException {
        Map<String, String> processorSettings = Map.of(
                "streamgate.kafka.bootstrap-servers", TestKafka.bootstrapServers(),
                "streamgate.kafka.requests-topic", REQUESTS,
                "streamgate.kafka.results-topic", RESULTS,
                "streamgate.kafka.processor-group", GROUP,
                "streamgate.kafka.partitions", "2",
                "streamgate.stream.idle-timeout", IDLE_TIMEOUT,
                "streamgate.roles", "processor");
        StreamClient client = new StreamClient(port);
        try (StreamgateProcess owner = StreamgateProcess.start("processor", processorSettings)) {
            String id = "filtered-" + System.nanoTime();
            StreamClient.Answer started = client.exchange(client.http().post().uri("/stream/{id}/start", id)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("processor", "filter", "options", Map.of("contains", "never there"))));
            assertThat(started.status()).as("the start, answered %s", started.body()).isEqualTo(201);

            List<Integer> statuses = new ArrayList<>();
            for (int send = 0; send < SENDS; send++) {
                statuses.add(client.trySend(id, "chunk " + send).status());
                Thread.sleep(SEND_EVERY.toMillis());
            }
            assertThat(statuses).as("each send's status, one every %s", SEND_EVERY).containsOnly(200);
            assertThat(client.status(id).get("state").stringValue()).as("the stream after its last send")
                    .isEqualTo("open");

            client.awaitEnded(id); // by its owner, once the sends stop
            assertThat(client.status(id).get("end_reason").stringValue()).as("why it ended").isEqualTo("idle-timeout");
        }
    }
}
