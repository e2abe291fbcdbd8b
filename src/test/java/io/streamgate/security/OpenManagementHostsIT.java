package io.streamgate.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.support.GatewayIT;
import io.streamgate.support.RawHttp;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.TestPropertySource;

/**
 * An open gateway whose API listens on loopback and whose management port is given every address: the rule against
 * names other than loopback ones (DNS rebinding) is each port's own, so a scraper asking for {@code gateway:8081}
 * is answered there, while the API still refuses that name. Both were refused by the API's rule before.
 */
@TestPropertySource(properties = {
        "management.server.port=0",
        "management.server.address=0.0.0.0",
        "streamgate.kafka.requests-topic=it.open-management-hosts.requests",
        "streamgate.kafka.results-topic=it.open-management-hosts.results",
        "streamgate.kafka.processor-group=it-open-management-hosts-processor"})
class OpenManagementHostsIT extends GatewayIT {

    @LocalManagementPort
    private int managementPort;

    @Test
    void shouldAnswerAnotherNameOnAManagementPortBeyondLoopbackOnly() {
        String management = get(managementPort, "/actuator/health/liveness", "gateway:" + managementPort);
        String api = get(port, "/stream/rebound/results", "gateway:" + port);
        String apiByLoopbackName = get(port, "/stream/rebound/results", "localhost:" + port);

        assertThat(RawHttp.status(management)).as("the management port, asked for gateway: %s", management)
                .isEqualTo(200);
        assertThat(RawHttp.status(api)).as("the API port, asked for gateway: %s", api).isEqualTo(403);
        assertThat(api).contains("listens on loopback");
        assertThat(RawHttp.status(apiByLoopbackName)).as("the API port, asked for localhost: %s", apiByLoopbackName)
                .isEqualTo(404);
    }

    /** What a GET of {@code path} on {@code port}, addressed to {@code host}, is answered, whole. */
    private static String get(int port, String path, String host) {
        try (RawHttp request = new RawHttp(port)) {
            return request.write("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .readUntilClosed();
        }
    }
}
