package io.streamgate.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

class LocalCallersOnlyTest {

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LocalHost", "app.localhost", "127.0.0.1", "127.255.0.9", "[::1]", "0.0.0.0"})
    void shouldTakeNamesOnlyThisMachineAnswersTo(String host) {
        assertThat(LocalCallersOnly.isLoopbackName(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example", "localhost.evil.example", "127.0.0.1.evil.example", "127.0.0", "127.0.0.256",
            "127.0.0.01x", "128.0.0.1", "[::2]", "10.0.0.1", "localhostx"})
    void shouldRefuseNamesOthersAnswerTo(String host) {
        assertThat(LocalCallersOnly.isLoopbackName(host)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"localhost:8080, localhost", "localhost, localhost", "[::1]:8080, [::1]", "[::1], [::1]",
            "evil.example:443, evil.example"})
    void shouldTakeTheHostOfAnAuthority(String authority, String host) {
        assertThat(LocalCallersOnly.hostOf(authority)).isEqualTo(host);
    }

    /** Origin, Host, the listed origins (| between them), and whether the page is answered. */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "http://localhost:5173; localhost:8080; ; true",
            "http://127.0.0.1:8080; 127.0.0.1:8080; ; true",
            "https://gateway.internal; gateway.internal; ; true",
            "https://evil.example; localhost:8080; ; false",
            "https://evil.example; evil.example:8080; ; false",
            "null; localhost:8080; ; false",
            "https://app.example; localhost:8080; https://app.example; true",
            "https://app.example; localhost:8080; https://other.example|https://app.example; true",
            "https://evil.example; localhost:8080; https://app.example; false",
            "https://evil.example; localhost:8080; *; true"})
    void shouldAnswerPagesOfItsOwnLoopbackOrListedOriginsOnly(String origin, String host, String listed,
                                                               boolean answered) {
        LocalCallersOnly filter = new LocalCallersOnly(false, listed == null ? List.of() : List.of(listed.split("\\|")));
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.post("http://" + host + "/stream/s/end").header("Host", host)
                        .header("Origin", origin));

        assertThat(outcome(filter, exchange)).as("Origin %s, Host %s, listed %s", origin, host, listed)
                .isEqualTo(answered ? "served" : "403");
    }

    @ParameterizedTest
    @CsvSource({"localhost:8080, true, served", "evil.example:8080, true, 403", "evil.example:8080, false, served"})
    void shouldAnswerOtherNamesOnlyWhenNotOnLoopback(String host, boolean onLoopback, String outcome) {
        LocalCallersOnly filter = new LocalCallersOnly(onLoopback, List.of());
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.get("http://" + host + "/").header("Host", host));

        assertThat(outcome(filter, exchange)).as("Host %s, on loopback: %s", host, onLoopback).isEqualTo(outcome);
    }

    @ParameterizedTest
    @CsvSource({"true, false, served", "false, true, 403", "false, false, served", "true, true, 403"})
    void shouldFollowTheServerARequestCameInOnWhenItSays(boolean apiOnLoopback, boolean serverOnLoopback,
                                                        String outcome) {
        LocalCallersOnly filter = new LocalCallersOnly(apiOnLoopback, List.of());
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.get("http://gateway:8081/actuator/health").header("Host", "gateway:8081"));
        new ServerOnLoopback(serverOnLoopback).filter(exchange, marked -> Mono.empty()).block();

        assertThat(outcome(filter, exchange))
                .as("the API on loopback: %s, the server it came in on: %s", apiOnLoopback, serverOnLoopback)
                .isEqualTo(outcome);
    }

    private static String outcome(LocalCallersOnly filter, MockServerWebExchange exchange) {
        return filter.filter(exchange, served -> Mono.empty()).thenReturn("served")
                .onErrorResume(ResponseStatusException.class, refused -> Mono.just(
                        refused.getStatusCode() == HttpStatus.FORBIDDEN ? "403" : refused.getStatusCode().toString()))
                .block();
    }
}
