package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActuatorOnlyTest {

    private final ActuatorOnly actuator = new ActuatorOnly("/actuator",
            List.of("/actuator/health", "/actuator/prometheus", "/actuator/metrics"));
    /** {@code management.endpoints.web.base-path=/}: the endpoints at the root of the management port. */
    private final ActuatorOnly atRoot = new ActuatorOnly("", List.of("/health", "/prometheus"));

    @ParameterizedTest
    @ValueSource(strings = {"/actuator", "/actuator/", "/actuator/health", "/actuator/health/readiness",
            "/actuator/prometheus", "/actuator/metrics/jvm.threads.live"})
    void shouldServeTheLinksAndEachEndpointWithWhatIsBelowIt(String path) {
        assertThat(actuator.serves(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/stream/demo", "/stream/demo/start", "/stream/demo/ws", "/v3/api-docs", "/",
            "/index.html", "/actuatorx", "/actuator/healthx", "/actuator/env", "/actuator/../stream/x"})
    void shouldServeNothingElse(String path) {
        assertThat(actuator.serves(path)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/health", "/health/liveness", "/prometheus"})
    void shouldServeEndpointsAtTheRootOfThePort(String path) {
        assertThat(atRoot.serves(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/stream/demo", "/healthx", "/index.html"})
    void shouldServeNothingElseBesideEndpointsAtTheRoot(String path) {
        assertThat(atRoot.serves(path)).isFalse();
    }
}
