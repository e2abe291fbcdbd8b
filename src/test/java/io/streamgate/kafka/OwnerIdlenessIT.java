package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.streamgate.support.StreamClient;
import io.streamgate.support.StreamgateProcess;
import io.streamgate.support.TestTopics;
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
 * filter that matches nothing), and ends it once they stop for the idle timeout. An owner that takes the stream over
 * (a restart) has not seen the chunks its predecessor read, so it gives the stream an idle timeout from the takeover.
 * The owner's idle timeout is its own setting; this gateway owns nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.roles=gateway",
        "streamgate.kafka.requests-topic=" + OwnerIdlenessIT.REQUESTS,
        "streamgate.kafka.results-topic=" + OwnerIdlenessIT.RESULTS,
        "streamgate.kafka.processor-group=" + OwnerIdlenessIT.GROUP,
        "streamgate.kafka.partitions=2"})
@DirtiesContext
class OwnerIdlenessIT {

    static final String REQUESTS = "it.owner-idleness.requests";
    static final String RESULTS = "it.owner-idleness.results";
    static final String GROUP = "it-owner-idleness";
    private static final Duration SEND_EVERY = Duration.ofMillis(500);

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    @Test
    void shouldKeepAStreamSentToThroughAGatewayOpenThoughItsChunksYieldNoResult() throws InterruptedException {
        Duration idleTimeout = Duration.ofSeconds(3);
        StreamClient client = new StreamClient(port);
        try (StreamgateProcess owner = StreamgateProcess.start("processor", ownerSettings(idleTimeout))) {
            String id = startFilterStream(client);

            assertThat(sendFor(client, id, idleTimeout.multipliedBy(8).dividedBy(3)))
                    .as("each send's status, one every %s, for well past the idle timeout", SEND_EVERY)
                    .containsOnly(200);
            assertThat(client.status(id).get("state").stringValue()).as("the stream after its last send")
                    .isEqualTo("open");

            client.awaitEnded(id); // by its owner, once the sends stop
            assertThat(client.status(id).get("end_reason").stringValue()).as("why it ended").isEqualTo("idle-timeout");
        }
    }

    /**
     * The owner is killed after its stream has been sent to for longer than the idle timeout (so its only result,
     * the start, is older than that) and started again at once: the stream's last send is recent, but only the owner
     * that read it knew. The new owner keeps the stream open and sendable.
     */
    @Test
    void shouldGiveAStreamAnIdleTimeoutFromItsOwnersRestart() throws InterruptedException {
        Duration idleTimeout = Duration.ofSeconds(8); // a restart's 5 s here and some; less than the stream's life
        StreamClient client = new StreamClient(port);
        String id;
        try (StreamgateProcess first = StreamgateProcess.start("processor", ownerSettings(idleTimeout))) {
            id = startFilterStream(client);
            assertThat(sendFor(client, id, idleTimeout.plusSeconds(1))).as("each send's status, one every %s",
                    SEND_EVERY).containsOnly(200);
            first.kill();
        }
        try (StreamgateProcess second = StreamgateProcess.start("processor", ownerSettings(idleTimeout))) {
            await("the stream under its new owner").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> client.status(id).get("state").stringValue(), "open"::equals);
            StreamClient.Answer sent = client.trySend(id, "after the takeover");
            assertThat(sent.status()).as("a send after the takeover, answered %s", sent.body()).isEqualTo(200);
        }
    }

    /** A processor-only owner's settings, under one instance id: a restart takes over its partitions at once. */
    private static Map<String, String> ownerSettings(Duration idleTimeout) {
        return new TestTopics(REQUESTS, RESULTS, GROUP, 2).processor("owner",
                Map.of("streamgate.stream.idle-timeout", idleTimeout.toMillis() + "ms"));
    }

    /** A stream whose chunks yield no result: a filter that matches none of them. */
    private static String startFilterStream(StreamClient client) {
        String id = "filtered-" + System.nanoTime();
        StreamClient.Answer started = client.exchange(client.http().post().uri("/stream/{id}/start", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("processor", "filter", "options", Map.of("contains", "never there"))));
        assertThat(started.status()).as("the start, answered %s", started.body()).isEqualTo(201);
        return id;
    }

    /** Sends one chunk every {@link #SEND_EVERY} for {@code duration}; each send's status. */
    private static List<Integer> sendFor(StreamClient client, String id, Duration duration)
            throws InterruptedException {
        List<Integer> statuses = new ArrayList<>();
        for (long send = 0; send < duration.dividedBy(SEND_EVERY); send++) {
            statuses.add(client.trySend(id, "chunk " + send).status());
            Thread.sleep(SEND_EVERY.toMillis());
        }
        return statuses;
    }
}
