package io.streamgate.config;

import java.util.List;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Runs WebFilters one after another as Spring's {@code DefaultWebFilterChain} does (each filter when the previous
 * one's result is subscribed), without the Reactor checkpoint that chain adds around every filter of every request,
 * described by the filter's {@code toString()} (its class name and identity hash, a new string each time): 14.8% of
 * the status route's allocation samples in Spring Security's chain alone (BENCHMARKS.md section 14). What a
 * checkpoint gives, the filter's name in an error's assembly trace, costs that on every request to help with the rare
 * error; the error's own stack trace still names the filter that raised it. Spring Security's filters run through
 * {@link #of}, and the application's WebFilters through {@link #asOne}.
 */
public final class PlainFilterChain {

    private PlainFilterChain() {
    }

    /** {@code filters}, in their order, then {@code rest}. */
    public static WebFilterChain of(List<WebFilter> filters, WebFilterChain rest) {
        return new Link(filters, 0, rest); // a list nothing changes while requests run through it
    }

    /**
     * {@code filters}, in their order, as one filter: for WebFlux's own chain, which then has one filter to wrap in a
     * checkpoint instead of one each, described by a constant.
     */
    public static WebFilter asOne(List<WebFilter> filters) {
        return new InOne(List.copyOf(filters));
    }

    /** The chain from the filter at {@code index} on; past the last filter, the chain the filters were given. */
    private record Link(List<WebFilter> filters, int index, WebFilterChain rest) implements WebFilterChain {

        @Override
        public Mono<Void> filter(ServerWebExchange exchange) {
            return Mono.defer(() -> index == filters.size()
                    ? rest.filter(exchange)
                    : filters.get(index).filter(exchange, new Link(filters, index + 1, rest)));
        }
    }

    /** Described once: WebFlux's checkpoint around it asks for the description on every request. */
    private record InOne(List<WebFilter> filters, String description) implements WebFilter {

        InOne(List<WebFilter> filters) {
            this(filters, "WebFilters " + filters);
        }

        @Override
        public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain rest) {
            return of(filters, rest).filter(exchange);
        }

        @Override
        public String toString() {
            return description;
        }
    }
}
