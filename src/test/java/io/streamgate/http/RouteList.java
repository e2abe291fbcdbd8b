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

/** The "METHOD /path" of each route of a router function, read with the routers' own visitor API. */
final class RouteList implements RouterFunctions.Visitor, RequestPredicates.Visitor {

    private final Set<String> routes = new TreeSet<>();
    private String method;
    private String path;

    static Set<String> of(RouterFunction<?> router) {
        RouteList list = new RouteList();
        router.accept(list);
        return list.routes;
    }

    @Override
    public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
        method = null;
        path = null;
        predicate.accept(this);
        routes.add(method + " " + path);
    }

    @Override
    public void method(Set<HttpMethod> methods) {
        method = methods.iterator().next().name();
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
    }

    @Override
    public void endNegate() {
    }

    @Override
    public void unknown(RequestPredicate predicate) {
    }
}
