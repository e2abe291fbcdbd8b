package io.streamgate.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.MatcherSecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

class SingleChainProxyTest {

    private final List<String> ran = new ArrayList<>();
    private final WebFilterChain handler = exchange -> Mono.fromRunnable(() -> ran.add("handler"));

    private WebFilter passing(String name) {
        return (exchange, chain) -> {
            ran.add(name);
            return chain.filter(exchange);
        };
    }

    private SingleChainProxy proxyFor(String pathPattern) {
        return proxyFor(pathPattern, List.of(passing("a"), passing("b")), filter -> true);
    }

    private SingleChainProxy proxyFor(String pathPattern, List<WebFilter> filters, Predicate<WebFilter> runs) {
        MatcherSecurityWebFilterChain chain = new MatcherSecurityWebFilterChain(
                ServerWebExchangeMatchers.pathMatchers(pathPattern), filters);
        return new SingleChainProxy(chain, runs, new StrictFirewall(),
                (exchange, rejected) -> Mono.fromRunnable(() -> ran.add("rejected: " + rejected.getMessage())));
    }

    private void request(SingleChainProxy proxy, String path) {
        proxy.filter(MockServerWebExchange.from(MockServerHttpRequest.get(path)), handler).block(Duration.ofSeconds(1));
    }

    @Test
    void shouldRunTheChainsFiltersThenTheHandlerWhenTheChainMatches() {
        request(proxyFor("/stream/**"), "/stream/x");

        assertThat(ran).containsExactly("a", "b", "handler");
    }

    @Test
    void shouldLeaveOutTheFiltersItIsToldAreIdle() {
        WebFilter idle = passing("idle");

        request(proxyFor("/**", List.of(passing("a"), idle, passing("b")), filter -> filter != idle), "/stream/x");

        assertThat(ran).containsExactly("a", "b", "handler");
    }

    @Test
    void shouldRunTheHandlerAloneWhenTheChainDoesNotMatch() {
        request(proxyFor("/stream/**"), "/other");

        assertThat(ran).containsExactly("handler");
    }

    @Test
    void shouldHandOverWhatTheFirewallRejectsAndRunNothingElse() {
        request(proxyFor("/**"), "/stream/a%2Fb/start");

        assertThat(ran).singleElement().asString().startsWith("rejected: ");
    }
}
