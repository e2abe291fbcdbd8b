package io.streamgate.security;

import java.util.Collection;
import java.util.List;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Who may call what, when credentials are required: the first rule whose method and path pattern match a request
 * decides (the last matches every request). Decided in one pass over the rules, with the same path patterns Spring
 * Security's {@code pathMatchers} would parse. Written as that DSL's rules, each was a matcher and an
 * authorization manager of its own, walked per request as a chain of Reactor operators (a {@code concatMap} over the
 * rules, a {@code Mono} per match, a {@code flatMapIterable} over the caller's authorities): a keyed status request
 * cost about half as much CPU again as an open one (BENCHMARKS.md section 19). It is the authorization filter's own
 * manager, not one rule of the DSL's {@code authorizeExchange}, whose delegating manager walked its one "any exchange"
 * matcher with nine operators per request (section 36).
 */
final class AccessRules implements ReactiveAuthorizationManager<ServerWebExchange> {

    private static final List<Rule> RULES = List.of(
            Rule.open("/actuator/health"),
            Rule.open("/actuator/health/**"),
            // The API description and the demo page are public; the calls they describe are not.
            Rule.open("/v3/api-docs"),
            Rule.open("/v3/api-docs/**"),
            Rule.open("/"),
            Rule.open("/index.html"),
            Rule.open("/demo/**"),
            Rule.needs(null, "/actuator/**", TenantAuthentication.OPERATOR),
            // A WebSocket both sends chunks and reads results.
            Rule.needs(HttpMethod.GET, "/stream/*/ws", TenantAuthentication.READ, TenantAuthentication.WRITE),
            Rule.needs(HttpMethod.GET, "/stream/**", TenantAuthentication.READ),
            Rule.needs(HttpMethod.HEAD, "/stream/**", TenantAuthentication.READ),
            Rule.needs(HttpMethod.POST, "/stream/**", TenantAuthentication.WRITE),
            Rule.needs(null, "/stream/**", TenantAuthentication.TENANT),
            // Anything else: any authenticated caller.
            Rule.needs(null, "/**"));

    private static final AuthorizationResult ALLOWED = new AuthorizationDecision(true);
    private static final AuthorizationResult DENIED = new AuthorizationDecision(false);
    private static final Mono<AuthorizationResult> ALLOWED_TO_ANYONE = Mono.just(ALLOWED);

    @Override
    public Mono<AuthorizationResult> authorize(Mono<Authentication> authentication, ServerWebExchange exchange) {
        Rule rule = ruleFor(exchange.getRequest());
        if (rule.open()) {
            return ALLOWED_TO_ANYONE;
        }
        return authentication.map(caller -> rule.allows(caller) ? ALLOWED : DENIED).defaultIfEmpty(DENIED);
    }

    private static Rule ruleFor(ServerHttpRequest request) {
        PathContainer path = request.getPath().pathWithinApplication();
        for (Rule rule : RULES) {
            if (rule.matches(request.getMethod(), path)) {
                return rule;
            }
        }
        // Never: the last rule's "/**" matches every path.
        throw new IllegalStateException("No access rule for " + path);
    }

    /** {@code method} null: any method; {@code open}: no credentials needed; else all {@code required} authorities. */
    private record Rule(HttpMethod method, PathPattern path, boolean open, List<String> required) {

        static Rule open(String path) {
            return new Rule(null, PathPatternParser.defaultInstance.parse(path), true, List.of());
        }

        static Rule needs(HttpMethod method, String path, String... authorities) {
            return new Rule(method, PathPatternParser.defaultInstance.parse(path), false, List.of(authorities));
        }

        boolean matches(HttpMethod requestMethod, PathContainer requestPath) {
            return (method == null || method.equals(requestMethod)) && path.matches(requestPath);
        }

        boolean allows(Authentication caller) {
            if (!caller.isAuthenticated()) {
                return false;
            }
            for (String authority : required) {
                if (!holds(caller.getAuthorities(), authority)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean holds(Collection<? extends GrantedAuthority> granted, String authority) {
            for (GrantedAuthority held : granted) {
                if (authority.equals(held.getAuthority())) {
                    return true;
                }
            }
            return false;
        }
    }
}
