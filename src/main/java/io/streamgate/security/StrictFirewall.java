package io.streamgate.security;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;
import reactor.core.publisher.Mono;

/**
 * Spring Security's strict firewall, unchanged in what it refuses and checks, with its request wrapper made once per
 * exchange. The strict firewall's exchange wraps the request anew on every {@code getRequest()}, and the filters and
 * handlers of one request call it dozens of times: 4% of the status route's allocation (BENCHMARKS.md section 14).
 * An exchange's request never changes (a changed one is a new exchange, made by {@code mutate()}, which the strict
 * firewall still wraps), so one wrapper serves every call.
 */
final class StrictFirewall implements ServerWebExchangeFirewall {

    private final StrictServerWebExchangeFirewall strict = new StrictServerWebExchangeFirewall();

    @Override
    public Mono<ServerWebExchange> getFirewalledExchange(ServerWebExchange exchange) {
        return strict.getFirewalledExchange(exchange).map(RequestWrappedOnce::new);
    }

    private static final class RequestWrappedOnce extends ServerWebExchangeDecorator {

        private final ServerHttpRequest request;

        RequestWrappedOnce(ServerWebExchange firewalled) {
            super(firewalled);
            this.request = firewalled.getRequest();
        }

        @Override
        public ServerHttpRequest getRequest() {
            return request;
        }
    }
}
