package io.streamgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.streamgate.kafka.TestKafka;
import io.streamgate.support.RawHttp;
import io.streamgate.support.StreamClient;
import io.streamgate.support.StreamgateProcess;
import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * Gateways in their own JVMs, stopped with SIGTERM as an orchestrator stops them: streams outlive the gateway
 * (their state is in Kafka), readers resume where they were, and shutdown drains instead of dropping work.
 */
class GatewayRestartIT {

    private static final String REQUESTS = "it.restart.requests";

    private static Map<String, String> settings(String name) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "streamgate.kafka.bootstrap-servers", TestKafka.bootstrapServers(),
                "streamgate.kafka.requests-topic", REQUESTS,
                "streamgate.kafka.results-topic", "it.restart.results",
                "streamgate.kafka.processor-group", "it-restart-processor",
                "streamgate.processor.instance-id", name));
        return settings;
    }

    @Test
    void shouldKeepOpenStreamsAndResumeAReaderWithWhatItMissedAfterARestart() {
        String id = "restart-" + System.nanoTime();
        List<String> expected = new ArrayList<>();
        String lastSeenId;
        try (StreamgateProcess first = StreamgateProcess.start("gateway", settings("restart-1"))) {
            StreamClient client = new StreamClient(first.port());
            client.start(id);
            for (int chunk = 0; chunk < 5; chunk++) {
                client.send(id, "seen " + chunk);
            }
            List<ServerSentEvent<String>> seen = client.events(id).take(5).collectList().block(StreamClient.TIMEOUT);
            lastSeenId = seen.get(4).id();
            for (int chunk = 0; chunk < 5; chunk++) {
                long seq = client.send(id, "missed " + chunk);
                expected.add("result {\"seq\":" + seq + ",\"data\":\"MISSED " + chunk + "\"}");
            }
            first.terminate();
            assertThat(first.awaitExit(Duration.ofSeconds(60))).as("exited after SIGTERM").isNotNull();
        }

        try (StreamgateProcess second = StreamgateProcess.start("gateway", settings("restart-1"))) {
            StreamClient client = new StreamClient(second.port());
            assertThat(client.status(id).get("state").stringValue()).as("still open after the restart")
                    .isEqualTo("open");
            long seq = client.send(id, "after the restart");
            expected.add("result {\"seq\":" + seq + ",\"data\":\"AFTER THE RESTART\"}");
            client.end(id);
            expected.add("end {\"reason\":\"client\"}");

            List<String> resumed = client.events(id, lastSeenId).map(e -> e.event() + " " + e.data()).collectList()
                    .block(StreamClient.TIMEOUT);
            assertThat(resumed).as("exactly what the reader missed, then the rest").containsExactlyElementsOf(expected);
        }
    }

    @Test
    void shouldDrainOnSigtermAndExitWithinTheGracePeriod() {
        Map<String, String> settings = settings("drain-1");
        settings.put("spring.lifecycle.timeout-per-shutdown-phase", "10s");
        settings.put("streamgate.limits.request-read-timeout", "5m"); // only the grace period may cut a request
        try (StreamgateProcess gateway = StreamgateProcess.start("gateway", settings)) {
            StreamClient client = new StreamClient(gateway.port());
            String id = client.start("drain-" + System.nanoTime());
            CompletableFuture<List<ServerSentEvent<String>>> reader = client.events(id).collectList().toFuture();
            await("reader connected").atMost(StreamClient.TIMEOUT)
                    .until(() -> client.status(id).get("readers").intValue() == 1);
            String chunk = "{\"data\":\"in flight at SIGTERM\"}";
            byte[] body = chunk.getBytes(StandardCharsets.UTF_8);
            RawHttp inFlight = new RawHttp(gateway.port()).write("POST /stream/" + id + "/send HTTP/1.1\r\n"
                    + "Host: localhost\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n" + chunk.substring(0, 10));
            RawHttp neverFinished = new RawHttp(gateway.port()).write("POST /stream/" + id + "/send HTTP/1.1\r\n"
                    + "Host: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"da");

            gateway.terminate();

            List<ServerSentEvent<String>> events = reader.join();
            ServerSentEvent<String> last = events.get(events.size() - 1);
            assertThat(last.event()).isEqualTo("reconnect");
            assertThat(last.retry()).isEqualTo(Duration.ofSeconds(1));

            assertThat(startRefused(client)).as("no new stream once draining").isTrue();

            String answer = inFlight.write(chunk.substring(10)).readUntilClosed();
            assertThat(RawHttp.status(answer)).as("the send in flight finished: " + answer).isEqualTo(200);
            assertThat(TestKafka.readAll(REQUESTS)).as("and is durable")
                    .anyMatch(record -> "in flight at SIGTERM".equals(record.value()));

            assertThat(gateway.awaitExit(Duration.ofSeconds(40)))
                    .as("exited although a request never finished: the grace period ended it").isNotNull();
            neverFinished.close();
            inFlight.close();
        }
    }

    /** A start once draining: refused with 503 (or, once the server has closed its port, not even connected). */
    private static boolean startRefused(StreamClient client) {
        try {
            StreamClient.Answer answer = client.exchange(client.http().post().uri("/stream/start"));
            return answer.status() == 503
                    && answer.body().get("type").stringValue().equals("/problems/shutting-down");
        } catch (WebClientRequestException connectionRefused) {
            return true;
        }
    }
}
