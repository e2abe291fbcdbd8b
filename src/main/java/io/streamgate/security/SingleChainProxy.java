package io.streamgate.security;

import java.util.List;
import java.util.function.Predicate;

import io.streamgate.config.PlainFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Spring Security's entry filter for the one security chain Streamgate builds: the firewall, then the chain's filters
 * when its matcher matches (PlainFilterChain runs them), as {@link WebFilterChainProxy} does, without the per-request
 * search for the matching chain among many. That search ({@code Flux.filterWhen}) allocates a 256-slot buffer, 1 KB,
 * which lives as long as the request: for an SSE reader, as long as the reader (a twentieth of the heap a reader
 * holds); and it lists the chain's filters anew for every request. Filters the configuration makes idle are left out
 * ({@code runs}): each would still add its operators to every request, held as long as the request.
 */
final class SingleChainProxy extends WebFilterChainProxy {

    private final SecurityWebFilterChain securityChain;
    private final List<WebFilter> filters;
    private final ServerWebExchangeFirewall firewall;
    private final ServerExchangeRejectedHandler rejectedHandler;

    SingleChainProxy(SecurityWebFilterChain securityChain, Predicate<WebFilter> runs,
                     ServerWebExchangeFirewall firewall, ServerExchangeRejectedHandler rejectedHandler) {
        super(securityChain);
        this.securityChain = securityChain;
        // A built chain's filters are a fixed list (MatcherSecurityWebFilterChain emits it with Flux.fromIterable):
        // listed once here, at start-up, on the thread making the beans (never an event loop), not for every request.
        this.filters = securityChain.getWebFilters().filter(runs).collectList().map(List::copyOf).block();
        this.firewall = firewall;
        this.rejectedHandler = rejectedHandler;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return firewall.getFirewalledExchange(exchange)
                .flatMap(firewalled -> securityChain.matches(firewalled).flatMap(matches -> matches
                        ? PlainFilterChain.of(filters, chain).filter(firewalled)
                        : chain.filter(firewalled)))
                .onErrorResume(ServerExchangeRejectedException.class,
                        rejected -> rejectedHandler.handle(exchange, rejected).then(Mono.empty()));
    }
}
