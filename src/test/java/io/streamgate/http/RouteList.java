package io.streamgate.http;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * The "METHOD /path" of each route of a router function, read with the routers' own visitor API. The routes that
 * answer a path's other methods with 405 (a negated method) are not operations, so they are left out.
 */
final class RouteList implements RouterFunctions.Visitor, RequestPredicates.Visitor {

    private final Set<String> routes = new TreeSet<>();
    private String method;
    private String path;
    private int negations;
    private boolean wrongMethod;

    static Set<String> of(RouterFunction<?> router) {
        RouteList list = new RouteList();
        router.accept(list);
        return list.routes;
    }

    @Override
    public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
        method = null;
        path = null;
        wrongMethod = false;
        predicate.accept(this);
        if (!wrongMethod) {
            routes.add(method + " " + path);
        }
    }

    @Override
    public void method(Set<HttpMethod> methods) {
        method = methods.iterator().next().name();
        wrongMethod |= negations > 0;
    }

    @Override
    public void path(String pattern) {
        path = pattern;
    }

    // Nothing else appears in the stream routes; an unexpected predicate shows up as "null" in the list.

    @Override
    public void startNested(RequestPredicate predicate) {
    }

    @Override
    public void endNested(RequestPredicate predicate) {
    }

    @Override
    public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {
    }

    @Override
    public void attributes(Map<String, Object> attributes) {
    }

    @Override
    public void unknown(RouterFunction<?> routerFunction) {
    }

    /** Deprecated for removal in Spring Framework 7, but still abstract in the Visitor: implemented, as a no-op. */
    @Override
    @SuppressWarnings("removal")
    public void pathExtension(String extension) {
    }

    @Override
    public void header(String name, String value) {
    }

    @Override
    public void queryParam(String name, String value) {
    }

    @Override
    public void version(String version) {
    }

    @Override
    public void startAnd() {
    }

    @Override
    public void and() {
    }

    @Override
    public void endAnd() {
    }

    @Override
    public void startOr() {
    }

    @Override
    public void or() {
    }

    @Override
    public void endOr() {
    }

    @Override
    public void startNegate() {
        negations++;
    }

    @Override
    public void endNegate() {
        negations--;
    }

    @Override
    public void unknown(RequestPredicate predicate) {
    }
}
