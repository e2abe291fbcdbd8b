package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamgate.support.StreamClient;
import io.streamgate.support.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * While the broker is away, one tenant's sends waiting for Kafka hold at most half of what the other tenants' leave of
 * {@code max-sends-in-flight}: past it that tenant's next send gets 429 before its body is read, while another
 * tenant's sends still take places, up to half of what is left. Before, one tenant's sends could take every place and
 * every other tenant's got 503 (load-tests/tenant-sends.sh).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.security.api-keys[0]=" + TenantSendsIT.TENANT_A,
        "streamgate.security.api-keys[1]=" + TenantSendsIT.TENANT_B,
        "streamgate.kafka.delivery-timeout=3s",
        "streamgate.limits.max-sends-in-flight=4",
        "streamgate.kafka.requests-topic=it.tenant-sends.requests",
        "streamgate.kafka.results-topic=it.tenant-sends.results",
        "streamgate.kafka.processor-group=it-tenant-sends-processor"})
class TenantSendsIT {

    static final String TENANT_A = "tenant-sends-a-key-0c9e41";
    static final String TENANT_B = "tenant-sends-b-key-7f2d86";

    @RegisterExtension
    static final RestartableKafka KAFKA = new RestartableKafka();

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", KAFKA::bootstrapServers);
    }

    @Test
    void shouldHoldATenantsSendsWaitingForKafkaToHalfOfWhatTheOthersLeave() {
        StreamClient a = new StreamClient(port, TENANT_A);
        StreamClient b = new StreamClient(port, TENANT_B);
        String ofA = a.start("sends-a");
        String ofB = b.start("sends-b");

        KAFKA.stop();
        List<CompletableFuture<StreamClient.Answer>> waiting =
                List.of(sendAsync(a, ofA, "a0"), sendAsync(a, ofA, "a1"));
        awaitSendsInFlight(2);
        StreamClient.Answer pastA = a.trySend(ofA, "a2");
        assertThat(pastA.status()).as("A's send past half of the node: %s", pastA).isEqualTo(429);
        assertThat(pastA.body().get("limit").stringValue()).isEqualTo("max-sends-in-flight-per-tenant");
        assertThat(pastA.body().get("detail").stringValue()).contains("Your 2 commands are already waiting");
        assertThat(pastA.headers().get("Retry-After")).isEqualTo("1");

        CompletableFuture<StreamClient.Answer> ofBWaiting = sendAsync(b, ofB, "b0");
        awaitSendsInFlight(3);
        StreamClient.Answer pastB = b.trySend(ofB, "b1");
        assertThat(pastB.status()).as("B's send past half of the 2 places A leaves: %s", pastB).isEqualTo(429);
        assertThat(ofBWaiting).as("B's first send took a place and waits for Kafka").isNotDone();

        for (CompletableFuture<StreamClient.Answer> send : List.of(waiting.get(0), waiting.get(1), ofBWaiting)) {
            StreamClient.Answer timedOut = send.join();
            assertThat(timedOut.status()).as("a send that waited for the broker: %s", timedOut).isEqualTo(503);
            assertThat(timedOut.body().get("type").stringValue()).isEqualTo("/problems/kafka-unavailable");
        }
        awaitSendsInFlight(0);
    }

    private void awaitSendsInFlight(int sends) {
        await(sends + " sends waiting for Kafka").atMost(Duration.ofSeconds(10))
                .until(() -> meters.get("streamgate.sends.in-flight").gauge().value(), inFlight -> inFlight == sends);
    }

    private static CompletableFuture<StreamClient.Answer> sendAsync(StreamClient client, String id, String data) {
        return CompletableFuture.supplyAsync(() -> client.trySend(id, data), TestThreads.BLOCKING);
    }
}
