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
import reactor.util.context.Context;

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
        return proxyFor(pathPattern, filters, runs, true);
    }

    private SingleChainProxy proxyFor(String pathPattern, List<WebFilter> filters, Predicate<WebFilter> runs,
                                      boolean decideFirst) {
        MatcherSecurityWebFilterChain chain = new MatcherSecurityWebFilterChain(
                ServerWebExchangeMatchers.pathMatchers(pathPattern), filters);
        return new SingleChainProxy(chain, runs, decideFirst, new StrictFirewall(),
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

    @Test
    void shouldFinishTheChainsFiltersBeforeTheRestOfTheRequestRuns() {
        WebFilter wrapping = (exchange, chain) -> chain.filter(exchange).doOnSuccess(done -> ran.add("a completed"));

        request(proxyFor("/**", List.of(wrapping), filter -> true), "/stream/x");

        assertThat(ran).containsExactly("a completed", "handler");
    }

    @Test
    void shouldRunTheRestInsideTheChainsFiltersWhenNotToldToDecideFirst() {
        WebFilter wrapping = (exchange, chain) -> chain.filter(exchange).doOnSuccess(done -> ran.add("a completed"));

        request(proxyFor("/**", List.of(wrapping), filter -> true, false), "/stream/x");

        assertThat(ran).containsExactly("handler", "a completed");
    }

    @Test
    void shouldHandTheRestTheExchangeAndContextTheFiltersPassedOn() {
        WebFilter authenticating = (exchange, chain) -> chain
                .filter(exchange.mutate().request(request -> request.header("X-Caller", "tenant-a")).build())
                .contextWrite(Context.of("caller", "tenant-a"));
        WebFilterChain rest = exchange -> Mono.deferContextual(context -> Mono.fromRunnable(() -> ran.add(
                "handler: header " + exchange.getRequest().getHeaders().getFirst("X-Caller")
                        + ", context " + context.getOrDefault("caller", "none"))));

        proxyFor("/**", List.of(authenticating), filter -> true)
                .filter(MockServerWebExchange.from(MockServerHttpRequest.get("/stream/x")), rest)
                .block(Duration.ofSeconds(1));

        assertThat(ran).containsExactly("handler: header tenant-a, context tenant-a");
    }

    @Test
    void shouldRunNothingMoreWhenAFilterAnswersTheRequestItself() {
        WebFilter refusing = (exchange, chain) -> Mono.fromRunnable(() -> ran.add("refused"));

        request(proxyFor("/**", List.of(refusing, passing("b")), filter -> true), "/stream/x");

        assertThat(ran).containsExactly("refused");
    }
}
