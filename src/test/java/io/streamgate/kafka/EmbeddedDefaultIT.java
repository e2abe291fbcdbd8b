package io.streamgate.kafka;

import static io.streamgate.support.StreamClient.TIMEOUT;
import static io.streamgate.support.StreamClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.streamgate.StreamgateApplication;
import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Mono;

/**
 * The fresh-machine default: no bootstrap servers configured, so the app runs its own KRaft broker, and a restart
 * on the same data directory finds the streams and their results again.
 */
class EmbeddedDefaultIT {

    private Path dataDir;

    @AfterEach
    void cleanUp() {
        if (dataDir != null) {
            TestKafka.deleteRecursively(dataDir);
        }
    }

    @Test
    void shouldServeOnItsOwnBrokerAndKeepStreamsAcrossARestart() throws Exception {
        dataDir = Files.createTempDirectory("streamgate-embedded-it");
        String id = "kept-" + System.nanoTime();
        long firstSeq;
        Mono<List<ServerSentEvent<String>>> readerDuringShutdown;
        try (ConfigurableApplicationContext app = startApp()) {
            StreamClient client = clientOf(app);
            client.start(id);
            firstSeq = sendOnce(client, id, "before restart 1");
            client.send(id, "before restart 2");
            assertThat(client.events(id).take(2).collectList().block(TIMEOUT)).hasSize(2);
            readerDuringShutdown = client.events(id).collectList().cache();
            readerDuringShutdown.subscribe();
            await("reader connected").atMost(TIMEOUT).until(() -> client.status(id).get("readers").intValue() == 1);
        }
        assertThat(readerDuringShutdown.block(TIMEOUT))
                .as("a reader is told to reconnect, not left hanging through the shutdown")
                .extracting(ServerSentEvent::event)
                .containsExactly("result", "result", "reconnect");
        assertThat(dataDir.resolve("kraft-combined-logs/meta.properties")).exists();

        try (ConfigurableApplicationContext app = startApp()) {
            StreamClient client = clientOf(app);
            assertThat(client.status(id).get("state").stringValue())
                    .isEqualTo("open");
            assertThat(sendOnce(client, id, "before restart 1"))
                    .as("a retry after the restart is recognised by its Idempotency-Key").isEqualTo(firstSeq);
            long afterRestart = client.send(id, "after restart");
            client.end(id);

            List<ServerSentEvent<String>> events = client.events(id).collectList().block(TIMEOUT);
            assertThat(events).extracting(event -> event.event() + " " + json(event.data()).path("data").asString(""))
                    .containsExactly("result BEFORE RESTART 1", "result BEFORE RESTART 2", "result AFTER RESTART", "end ");
            assertThat(json(events.get(0).data()).get("seq").longValue()).isEqualTo(firstSeq);
            assertThat(afterRestart).isGreaterThan(firstSeq);
        }
    }

    private static long sendOnce(StreamClient client, String id, String data) {
        StreamClient.Answer answer = client.exchange(client.http().post().uri("/stream/{id}/send", id)
                .header("Idempotency-Key", data.replace(' ', '-'))
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(java.util.Map.of("data", data)));
        assertThat(answer.status()).as("send answered %s", answer.body()).isEqualTo(200);
        return answer.body().get("seq").longValue();
    }

    private ConfigurableApplicationContext startApp() {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(StreamgateApplication.class)
                .run("--server.port=0", "--streamgate.broker.data-dir=" + dataDir);
        StreamClient client = clientOf(app);
        await("health UP").atMost(TIMEOUT).until(() -> client.exchange(client.http().get().uri("/actuator/health"))
                .status() == 200);
        return app;
    }

    private static StreamClient clientOf(ConfigurableApplicationContext app) {
        return new StreamClient(Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));
    }
}
