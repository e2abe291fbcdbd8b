package io.streamgate.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

class StrictFirewallTest {

    private final StrictFirewall firewall = new StrictFirewall();

    @Test
    void shouldWrapTheRequestOncePerExchange() {
        ServerWebExchange firewalled = firewall.getFirewalledExchange(
                MockServerWebExchange.from(MockServerHttpRequest.get("/stream/job-1"))).block(Duration.ofSeconds(1));

        assertThat(firewalled.getRequest()).isSameAs(firewalled.getRequest());
        assertThat(firewalled.getRequest().getClass().getName()).as("still the strict firewall's request")
                .contains("StrictFirewallHttpRequest");
    }

    @Test
    void shouldLeaveTheResponseAsItIsForNettyToCheckItsHeaders() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/stream/job-1"));

        ServerWebExchange firewalled = firewall.getFirewalledExchange(exchange).block(Duration.ofSeconds(1));
        // Netty refuses this when the gateway's response is Netty's (ResponseHeaderValidationTest); a mock's takes it.
        firewalled.getResponse().getHeaders().set("X-Echo", "a\r\nb");

        assertThat(firewalled.getResponse()).isSameAs(exchange.getResponse());
        assertThat(firewalled.getResponse().setComplete().then(Mono.just("committed")).block(Duration.ofSeconds(1)))
                .as("no commit action of the strict firewall's").isEqualTo("committed");
    }

    @Test
    void shouldRefuseWhatTheStrictFirewallRefuses() {
        MockServerWebExchange encodedSlash = MockServerWebExchange.from(MockServerHttpRequest.post("/stream/a%2Fb/start"));

        assertThatThrownBy(() -> firewall.getFirewalledExchange(encodedSlash).block(Duration.ofSeconds(1)))
                .isInstanceOf(ServerExchangeRejectedException.class);
    }

    @Test
    void shouldLetEveryMethodThroughForTheRoutesToAnswerWithAllow() {
        for (HttpMethod method : List.of(HttpMethod.TRACE, HttpMethod.valueOf("PURGE"))) {
            MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.method(method, "/stream/a"));

            assertThat(firewall.getFirewalledExchange(exchange).block(Duration.ofSeconds(1)).getRequest().getMethod())
                    .isEqualTo(method);
        }
    }

    @Test
    void shouldStillCheckHeaderValuesOnTheWrappedRequest() {
        ServerWebExchange firewalled = firewall.getFirewalledExchange(MockServerWebExchange.from(
                MockServerHttpRequest.get("/stream/job-1").header("X-Test", "bad\u0007value"))).block(Duration.ofSeconds(1));

        assertThatThrownBy(() -> firewalled.getRequest().getHeaders().getFirst("X-Test"))
                .isInstanceOf(ServerExchangeRejectedException.class);
    }
}
