package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.codec.ServerSentEvent;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The gateway against a broker in a container, for everyone with Docker: the same API, the same guarantees, on the
 * broker a deployment really runs ({@link RedpandaContainerIT}, {@link KafkaContainerIT}). Skipped where Docker is
 * not running; the rest of the suite covers the same ground on the in-process KRaft broker.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.stream.heartbeat-interval=300ms",
        "streamgate.kafka.partitions=3"})
abstract class ContainerBrokerIT {

    private static final int CHUNKS = 200;

    @LocalServerPort
    private int port;

    private StreamClient client;

    @BeforeEach
    void connect() {
        client = new StreamClient(port);
    }

    @Test
    void shouldCarryAStreamFromSendsToItsReaderInOrderAndEndIt() {
        String id = client.start("container-" + System.nanoTime(), "uppercase");
        CompletableFuture<List<ServerSentEvent<String>>> reader = client.events(id).collectList().toFuture();

        List<Long> acknowledged = new ArrayList<>();
        for (int chunk = 0; chunk < CHUNKS; chunk++) {
            acknowledged.add(client.send(id, "chunk " + chunk));
        }
        client.end(id);
        List<ServerSentEvent<String>> events = reader.join();

        assertThat(events).hasSize(CHUNKS + 1);
        assertThat(events.subList(0, CHUNKS)).extracting(ServerSentEvent::id)
                .as("one result per acknowledged send, in order").isEqualTo(acknowledged.stream().map(String::valueOf).toList());
        assertThat(StreamClient.json(events.get(CHUNKS - 1).data()).get("data").asString()).isEqualTo("CHUNK " + (CHUNKS - 1));
        assertThat(events.get(CHUNKS).event()).isEqualTo("end");
    }

    @Test
    void shouldResumeAReaderAfterItsLastEventId() {
        String id = client.start("resume-" + System.nanoTime());
        client.send(id, "first");
        long second = client.send(id, "second");
        client.end(id);
        String firstEventId = client.events(id).blockFirst(StreamClient.TIMEOUT).id();

        List<ServerSentEvent<String>> resumed = client.events(id, firstEventId).collectList().block(StreamClient.TIMEOUT);

        assertThat(resumed).extracting(ServerSentEvent::event).containsExactly("result", "end");
        assertThat(StreamClient.json(resumed.get(0).data()).get("seq").asLong()).isEqualTo(second);
    }
}
