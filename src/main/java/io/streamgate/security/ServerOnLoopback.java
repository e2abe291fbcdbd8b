package io.streamgate.security;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Says, on each request of the server it is installed in (the management port's, whose context is a child of the
 * application's and shares its security chain), whether that server listens on loopback only, for
 * {@link LocalCallersOnly}'s host rule.
 */
final class ServerOnLoopback implements WebFilter, Ordered {

    private final boolean onLoopback;

    ServerOnLoopback(boolean onLoopback) {
        this.onLoopback = onLoopback;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        exchange.getAttributes().put(LocalCallersOnly.SERVER_ON_LOOPBACK, onLoopback);
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE; // before the security chain, which reads it
    }
}
