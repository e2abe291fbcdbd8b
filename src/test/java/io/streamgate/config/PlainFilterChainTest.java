package io.streamgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

class PlainFilterChainTest {

    private final List<String> ran = new ArrayList<>();
    private final MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/stream/x"));
    private final WebFilterChain handler = exchange -> Mono.fromRunnable(() -> ran.add("handler"));

    private WebFilter passing(String name) {
        return (exchange, chain) -> {
            ran.add(name);
            return chain.filter(exchange);
        };
    }

    @Test
    void shouldRunEveryFilterInOrderThenTheHandler() {
        PlainFilterChain.of(List.of(passing("a"), passing("b"), passing("c")), handler)
                .filter(exchange).block(Duration.ofSeconds(1));

        assertThat(ran).containsExactly("a", "b", "c", "handler");
    }

    @Test
    void shouldRunNothingPastAFilterThatDoesNotSubscribeToTheRest() {
        // As an authorization filter does: the rest of the chain is assembled, but only subscribed when allowed.
        WebFilter refusing = (exchange, chain) -> {
            ran.add("refusing");
            return Mono.<Void>error(new IllegalStateException("denied")).then(chain.filter(exchange));
        };

        Mono<Void> chain = PlainFilterChain.of(List.of(passing("a"), refusing, passing("b")), handler)
                .filter(exchange);

        assertThat(ran).as("nothing runs before subscription").isEmpty();
        assertThat(chain.onErrorComplete().block(Duration.ofSeconds(1))).isNull();
        assertThat(ran).containsExactly("a", "refusing");
    }

    @Test
    void shouldRunTheHandlerAloneWhenThereAreNoFilters() {
        PlainFilterChain.of(List.of(), handler).filter(exchange).block(Duration.ofSeconds(1));

        assertThat(ran).containsExactly("handler");
    }

    @Test
    void shouldRunFiltersAsOneInOrderThenTheRestOfTheChain() {
        WebFilter asOne = PlainFilterChain.asOne(List.of(passing("a"), passing("b")));

        asOne.filter(exchange, handler).block(Duration.ofSeconds(1));

        assertThat(ran).containsExactly("a", "b", "handler");
        assertThat(asOne.toString()).as("described once, not per request").isSameAs(asOne.toString());
    }
}
