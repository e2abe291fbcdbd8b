package io.streamgate.http;

import static io.streamgate.support.StreamClient.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;

import io.streamgate.support.RawHttp;
import io.streamgate.support.SecuredGatewayIT;
import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import reactor.core.publisher.Mono;

/**
 * The actuator on a port of its own ({@code management.server.port}), as an operator gives health checks and metric
 * scrapers: it serves the actuator only, under the same keys, with the API's Netty-level limits and a connection cap of
 * its own. Boot's management server had served every stream route too, past both.
 */
@TestPropertySource(properties = {
        "management.server.port=0",
        "streamgate.limits.max-connections=8",
        "streamgate.limits.max-management-connections=6",
        "streamgate.limits.request-read-timeout=5s",
        "streamgate.kafka.requests-topic=it.management.requests",
        "streamgate.kafka.results-topic=it.management.results",
        "streamgate.kafka.processor-group=it-management-processor"})
class ManagementPortIT extends SecuredGatewayIT {

    @LocalManagementPort
    private int managementPort;

    /**
     * Health is down until the gateway has read the results log through (README, "How it works"), which a context just
     * started may not have: each test here asks for it, on the port under test.
     */
    @BeforeEach
    void awaitUp() {
        StreamClient anonymous = new StreamClient(managementPort);
        await("health up on the management port").atMost(TIMEOUT)
                .until(() -> anonymous.exchange(anonymous.http().get().uri("/actuator/health")).status() == 200);
    }

    @Test
    void shouldAnswerHealthOnTheManagementPortWhileTheApiPortIsFull() {
        List<RawHttp> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 9; i++) {
                sockets.add(new RawHttp(port));
            }
            // The rest idle out in 5 s.
            Mono<List<String>> answers = RawHttp.readAllUntilClosed(sockets).cache();
            answers.subscribe();
            try (RawHttp health = new RawHttp(managementPort)) {
                String answer = health.write("GET /actuator/health HTTP/1.1\r\nHost: localhost\r\n"
                        + "Connection: close\r\n\r\n").readUntilClosed();
                assertThat(RawHttp.status(answer)).as("answered %s", answer).isEqualTo(200);
                assertThat(answer).contains("\"status\":\"UP\"");
            }
            List<String> api = answers.block(TIMEOUT);
            assertThat(api).as("the API port's answers").filteredOn(answer -> RawHttp.status(answer) == 503)
                    .isNotEmpty().allSatisfy(answer -> assertThat(answer).contains("\"limit\":\"max-connections\""));
        } finally {
            sockets.forEach(RawHttp::close);
        }
    }

    @Test
    void shouldCapTheManagementPortsConnectionsOnItsOwn() {
        List<RawHttp> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 9; i++) {
                sockets.add(new RawHttp(managementPort));
            }
            List<String> answers = RawHttp.readAllUntilClosed(sockets).block(TIMEOUT);
            List<String> refused = answers.stream().filter(answer -> RawHttp.status(answer) == 503).toList();
            assertThat(refused).as("answered %s", answers).hasSizeGreaterThanOrEqualTo(9 - 6)
                    .allSatisfy(answer -> assertThat(answer).contains("\"limit\":\"max-management-connections\""));
            assertThat(answers).allSatisfy(answer -> assertThat(RawHttp.status(answer)).as("others idle out")
                    .isIn(503, -1));
        } finally {
            sockets.forEach(RawHttp::close);
        }
        assertThat(new StreamClient(managementPort, OPERATOR)
                .scraped("streamgate_limit_rejections_total", "limit", "max-management-connections"))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void shouldServeNoStreamRouteOnTheManagementPort() {
        String id = "management-" + System.nanoTime();
        StreamClient tenant = new StreamClient(managementPort, TENANT_A);

        for (StreamClient.Answer answer : List.of(
                tenant.exchange(tenant.http().post().uri("/stream/{id}/start", id)),
                tenant.exchange(tenant.http().post().uri("/stream/start")),
                tenant.exchange(tenant.http().get().uri("/v3/api-docs")))) {
            assertThat(answer.status()).as("answered %s", answer).isEqualTo(404);
            assertThat(answer.contentType()).as("answered %s", answer).isNotNull()
                    .matches(type -> type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
            assertThat(answer.body().get("detail").stringValue()).as("answered %s", answer)
                    .contains("on the management port");
        }
        StreamClient.Answer status = as(TENANT_A).exchange(as(TENANT_A).http().get().uri("/stream/{id}", id));
        assertThat(status.status()).as("the refused start left nothing: %s", status).isEqualTo(404);
        StreamClient.Answer moved = anonymous().exchange(anonymous().http().get().uri("/actuator/health"));
        assertThat(moved.status()).as("the actuator left the API port: %s", moved).isEqualTo(404);
    }

    @Test
    void shouldKeepTheActuatorsKeysOnTheManagementPort() {
        StreamClient anonymous = new StreamClient(managementPort);
        StreamClient tenant = new StreamClient(managementPort, TENANT_A);
        StreamClient operator = new StreamClient(managementPort, OPERATOR);

        StreamClient.Answer noKey = anonymous.exchange(anonymous.http().get().uri("/actuator/prometheus"));
        assertThat(noKey.status()).as("answered %s", noKey).isEqualTo(401);
        StreamClient.Answer tenantKey = tenant.exchange(tenant.http().get().uri("/actuator/prometheus"));
        assertThat(tenantKey.status()).as("answered %s", tenantKey).isEqualTo(403);
        assertThat(operator.scraped("jvm_threads_live_threads")).as("the operator's scrape").isPositive();
        StreamClient.Answer health = anonymous.exchange(anonymous.http().get().uri("/actuator/health"));
        assertThat(health.status()).as("answered %s", health).isEqualTo(200);
    }

    @Test
    void shouldCutOffARequestTrickledToTheManagementPort() {
        try (RawHttp trickle = new RawHttp(managementPort)) {
            String answer = trickle.write("GET /actuator/health HTTP/1.1\r\nHost: local").readUntilClosed();
            assertThat(RawHttp.status(answer)).as("answered %s", answer).isIn(408, -1);
        }
    }
}
