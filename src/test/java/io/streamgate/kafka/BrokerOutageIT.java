package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With the cluster gone, sends fail within the delivery timeout with 503 and a problem (nothing half-written),
 * readiness goes down, and everything comes back by itself when the broker returns: no restart of the gateway.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.kafka.delivery-timeout=3s",
        "streamgate.kafka.requests-topic=it.outage.requests",
        "streamgate.kafka.results-topic=it.outage.results",
        "streamgate.kafka.processor-group=it-outage-processor"})
class BrokerOutageIT {

    private static final RestartableKafka KAFKA = new RestartableKafka();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", KAFKA::bootstrapServers);
    }

    @AfterAll
    static void stopBroker() {
        KAFKA.close();
    }

    @Test
    void shouldAnswer503WhileTheBrokerIsDownAndRecoverWhenItReturns() {
        StreamClient client = new StreamClient(port);
        String id = client.start("outage-" + System.nanoTime());
        long before = client.send(id, "before the outage");

        KAFKA.stop();
        long sentAt = System.nanoTime();
        StreamClient.Answer during = client.exchange(client.http().post().uri("/stream/{id}/send", id)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"data\":\"during the outage\"}"));
        Duration answeredAfter = Duration.ofNanos(System.nanoTime() - sentAt);

        assertThat(during.status()).isEqualTo(503);
        assertThat(during.body().get("type").stringValue()).isEqualTo("/problems/kafka-unavailable");
        assertThat(during.headers().get("Retry-After")).isEqualTo("1");
        assertThat(answeredAfter).as("within the delivery timeout, with slack").isLessThan(Duration.ofSeconds(10));
        await("readiness down").atMost(Duration.ofSeconds(10)).until(() ->
                client.exchange(client.http().get().uri("/actuator/health/readiness")).status() == 503);

        KAFKA.start();
        await("readiness back").atMost(Duration.ofSeconds(60)).until(() ->
                client.exchange(client.http().get().uri("/actuator/health/readiness")).status() == 200);
        long after = await("sends accepted again").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> client.send(id, "after the outage"), seq -> seq > before);
        client.end(id);

        // After an outage the processor may first have to take its partitions back: allow for a rebalance.
        assertThat(client.events(id).map(event -> event.event() + " " + event.data()).collectList()
                .block(Duration.ofSeconds(90)))
                .as("the refused chunk is nowhere; the others arrive once each")
                .containsExactly("result {\"seq\":" + before + ",\"data\":\"BEFORE THE OUTAGE\"}",
                        "result {\"seq\":" + after + ",\"data\":\"AFTER THE OUTAGE\"}",
                        "end {\"reason\":\"client\"}");
    }
}
