package io.streamgate.security;

import java.util.List;

import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Runs Spring Security's filters one after another as Spring's {@code DefaultWebFilterChain} does (each filter when
 * the previous one's result is subscribed), without the Reactor checkpoint that chain adds around every filter of
 * every request, described by the filter's {@code toString()} (its class name and identity hash, a new string each
 * time): 14.8% of the status route's allocation samples (BENCHMARKS.md section 14). What a checkpoint gives, the
 * filter's name in an error's assembly trace, costs that on every request to help with the rare error; the error's
 * own stack trace still names the filter that raised it.
 */
final class PlainFilterChain implements WebFilterChainProxy.WebFilterChainDecorator {

    @Override
    public WebFilterChain decorate(WebFilterChain original, List<WebFilter> filters) {
        return new Link(filters, 0, original); // a list nothing changes while requests run through it
    }

    /** The chain from the filter at {@code index} on; past the last filter, the chain Spring Security was given. */
    private record Link(List<WebFilter> filters, int index, WebFilterChain rest) implements WebFilterChain {

        @Override
        public Mono<Void> filter(ServerWebExchange exchange) {
            return Mono.defer(() -> index == filters.size()
                    ? rest.filter(exchange)
                    : filters.get(index).filter(exchange, new Link(filters, index + 1, rest)));
        }
    }
}
