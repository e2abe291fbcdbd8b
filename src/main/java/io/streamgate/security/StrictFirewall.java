package io.streamgate.security;

import java.util.function.Supplier;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;
import reactor.core.publisher.Mono;

/**
 * Spring Security's strict firewall, unchanged in what it refuses and checks in requests, with two of its costs per
 * request taken off:
 * <ul>
 *   <li>Its request wrapper made once per exchange. The strict firewall's exchange wraps the request anew on every
 *       {@code getRequest()}, and the filters and handlers of one request call it dozens of times: 4% of the status
 *       route's allocation (BENCHMARKS.md section 14). An exchange's request never changes (a changed one is a new
 *       exchange, made by {@code mutate()}, which the strict firewall still wraps), so one wrapper serves every
 *       call.</li>
 *   <li>Its check of the response's headers for CR and LF left to Netty, which refuses both in a header's name or
 *       value when it is set: Reactor Netty validates response headers as it does request headers, unless Spring
 *       Boot's {@code server.netty.validate-headers} is set to false, which turns Netty's checks of both off and
 *       with which the gateway does not start (SecurityConfiguration; ResponseHeaderValidationTest holds Netty to
 *       it). The strict firewall's own check copies every header name of every response into a case-insensitive set
 *       just before the response is committed, through a commit action of its own, to find what Netty refuses
 *       anyway: the strict firewall cost a status request 3.6 µs of the JVM's CPU (5%) with the check, 1.2 without it
 *       (BENCHMARKS.md section 39).</li>
 * </ul>
 * It lets every method through, where the strict firewall refuses all but seven with a bare {@code 400} that the
 * gateway could only word as a bad path: a {@code TRACE} or an unknown method now reaches the routes, which answer a
 * method they do not serve with {@code 405} and the {@code Allow} header, as they answer a {@code DELETE}. What the
 * firewall's method list guards against, a request whose method slips past rules written for others, cannot happen
 * here: the access rules that name a method are followed by rules for every method on the same paths, and no route or
 * handler takes one method for another.
 */
final class StrictFirewall implements ServerWebExchangeFirewall {

    private final StrictServerWebExchangeFirewall strict = new StrictServerWebExchangeFirewall();

    StrictFirewall() {
        strict.setUnsafeAllowAnyHttpMethod(true);
    }

    @Override
    public Mono<ServerWebExchange> getFirewalledExchange(ServerWebExchange exchange) {
        return strict.getFirewalledExchange(new ResponseCheckedByNetty(exchange))
                .map(firewalled -> new RequestWrappedOnce(firewalled, exchange.getResponse()));
    }

    /** The exchange as the strict firewall sees it: its response takes no commit action from the firewall. */
    private static final class ResponseCheckedByNetty extends ServerWebExchangeDecorator {

        private final ServerHttpResponse response;

        ResponseCheckedByNetty(ServerWebExchange exchange) {
            super(exchange);
            this.response = new CommitActionsIgnored(exchange.getResponse());
        }

        @Override
        public ServerHttpResponse getResponse() {
            return response;
        }
    }

    private static final class CommitActionsIgnored extends ServerHttpResponseDecorator {

        CommitActionsIgnored(ServerHttpResponse response) {
            super(response);
        }

        @Override
        public void beforeCommit(Supplier<? extends Mono<Void>> action) {
            // The strict firewall's check of the response's headers, which Netty makes (see above).
        }
    }

    /** The firewalled exchange, its request wrapped once, with the exchange's own response. */
    private static final class RequestWrappedOnce extends ServerWebExchangeDecorator {

        private final ServerHttpRequest request;
        private final ServerHttpResponse response;

        RequestWrappedOnce(ServerWebExchange firewalled, ServerHttpResponse response) {
            super(firewalled);
            this.request = firewalled.getRequest();
            this.response = response;
        }

        @Override
        public ServerHttpRequest getRequest() {
            return request;
        }

        @Override
        public ServerHttpResponse getResponse() {
            return response;
        }
    }
}
