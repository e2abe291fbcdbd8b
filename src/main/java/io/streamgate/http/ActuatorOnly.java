package io.streamgate.http;

import java.util.Collection;
import java.util.List;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The management port's rule: it serves the actuator's endpoints, and anything else gets a 404 problem before any
 * other filter or route sees it. Without it, the stream routes, the API docs and the demo page answered there too,
 * since the management server's dispatcher finds the application's handlers through the parent context.
 */
final class ActuatorOnly implements WebFilter, Ordered {

    private final String basePath;
    private final List<String> endpointPaths;

    /** {@code basePath}: the actuator's links page; {@code endpointPaths}: each endpoint's whole path. */
    ActuatorOnly(String basePath, Collection<String> endpointPaths) {
        this.basePath = basePath;
        this.endpointPaths = List.copyOf(endpointPaths);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (serves(path)) {
            return chain.filter(exchange);
        }
        return Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND, "Nothing is served at " + path
                + " on the management port, which serves " + basePath + " only; the API has a port of its own"));
    }

    /** The links page, each endpoint's path and the paths below it (a health group, a metric's name). */
    boolean serves(String path) {
        return path.equals(basePath) || path.equals(basePath + "/") || endpointPaths.stream()
                .anyMatch(endpoint -> path.equals(endpoint) || path.startsWith(endpoint + "/"));
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE; // before security: a stream route is not there, whoever asks
    }
}
