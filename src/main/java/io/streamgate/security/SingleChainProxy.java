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
import reactor.util.context.ContextView;

/**
 * Spring Security's entry filter for the one security chain Streamgate builds: the firewall, then the chain's filters
 * when its matcher matches (PlainFilterChain runs them), as {@link WebFilterChainProxy} does, without the per-request
 * search for the matching chain among many. That search ({@code Flux.filterWhen}) allocates a 256-slot buffer, 1 KB,
 * which lives as long as the request: for an SSE reader, as long as the reader (a twentieth of the heap a reader
 * holds); and it lists the chain's filters anew for every request. Filters the configuration makes idle are left out
 * ({@code runs}): each would still add its operators to every request, held as long as the request. With
 * {@code decideFirst}, the chain's filters decide before the rest of the request runs, not around it ({@link
 * Admission}): what they built for a request is let go once they have let it through, not held as long as its response
 * (1.3 KB of an SSE reader's heap when credentials are required). An open gateway's chain is short: deciding first
 * frees nothing there and cost its status route about 5% (BENCHMARKS.md section 19), so it runs around the rest.
 */
final class SingleChainProxy extends WebFilterChainProxy {

    private final SecurityWebFilterChain securityChain;
    private final List<WebFilter> filters;
    private final ServerWebExchangeFirewall firewall;
    private final ServerExchangeRejectedHandler rejectedHandler;
    private final boolean decideFirst;

    SingleChainProxy(SecurityWebFilterChain securityChain, Predicate<WebFilter> runs, boolean decideFirst,
                     ServerWebExchangeFirewall firewall, ServerExchangeRejectedHandler rejectedHandler) {
        super(securityChain);
        this.securityChain = securityChain;
        // A built chain's filters are a fixed list (MatcherSecurityWebFilterChain emits it with Flux.fromIterable):
        // listed once here, at start-up, on the thread making the beans (never an event loop), not for every request.
        this.filters = securityChain.getWebFilters().filter(runs).collectList().map(List::copyOf).block();
        this.firewall = firewall;
        this.rejectedHandler = rejectedHandler;
        this.decideFirst = decideFirst;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return firewall.getFirewalledExchange(exchange)
                .flatMap(firewalled -> decideFirst
                        ? decideThenContinue(firewalled, chain)
                        : runFilters(firewalled, chain))
                .onErrorResume(ServerExchangeRejectedException.class,
                        rejected -> rejectedHandler.handle(exchange, rejected).then(Mono.empty()));
    }

    private Mono<Void> decideThenContinue(ServerWebExchange firewalled, WebFilterChain rest) {
        Admission admission = new Admission();
        return runFilters(firewalled, admission).then(Mono.defer(() -> admission.continueWith(rest)));
    }

    private Mono<Void> runFilters(ServerWebExchange firewalled, WebFilterChain rest) {
        return securityChain.matches(firewalled).flatMap(matches -> matches
                ? PlainFilterChain.of(filters, rest).filter(firewalled)
                : rest.filter(firewalled));
    }

    /**
     * The end of the security chain: instead of running the rest of the request inside the security filters' operators
     * (which would hold them, and what they captured, for as long as the response lasts: an SSE reader's life), it
     * keeps what they hand on, the exchange and the Reactor context (the caller, the exchange), and lets the chain
     * complete; the rest then runs after it with both. What Streamgate's security filters do after their {@code
     * chain.filter} is only to translate Spring Security's own authentication and access-denied exceptions, which
     * nothing after them raises; the response headers they add are registered on the response before it.
     */
    private static final class Admission implements WebFilterChain {

        // Written by the chain's last filter, read after the chain completes: Reactive Streams signals are serial.
        private ServerWebExchange admitted;
        private ContextView context;

        @Override
        public Mono<Void> filter(ServerWebExchange exchange) {
            return Mono.deferContextual(context -> {
                this.admitted = exchange;
                this.context = context;
                return Mono.empty();
            });
        }

        /** The rest of the request when the security chain let it through; nothing when it answered it itself. */
        Mono<Void> continueWith(WebFilterChain rest) {
            return admitted == null ? Mono.empty() : rest.filter(admitted).contextWrite(context);
        }
    }
}
