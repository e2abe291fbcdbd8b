package io.streamgate.http;

import static org.springdoc.core.utils.Constants.OPERATION_ATTRIBUTE;
import static org.springframework.web.reactive.function.server.RequestPredicates.methods;
import static org.springframework.web.reactive.function.server.RequestPredicates.path;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import io.streamgate.config.AfterInitialization;
import io.streamgate.config.ConditionalOnRole;
import io.streamgate.config.Role;
import io.streamgate.config.StreamgateProperties;
import io.streamgate.stream.StreamService;
import org.springdoc.core.fn.builders.operation.Builder;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import org.springframework.web.server.MethodNotAllowedException;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.WebsocketServerSpec;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stream API's routes, on instances with the gateway role, each with its OpenAPI description ({@link ApiDocs}).
 * A known path with the wrong method answers 405 with {@code Allow}, not 404; asked with {@code OPTIONS}, it answers
 * 200 with the same {@code Allow}, as RFC 9110 (9.3.7) describes.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.GATEWAY)
class StreamRoutes {

    /** The path a stream's results are read from (SseReadObservation knows it too). */
    static final String RESULTS = "/stream/{streamId}/results";

    /**
     * One route of the stream API (GET or POST, the methods it has): what answers it, and its description. A GET
     * answers HEAD too, as HTTP asks of every GET resource (RFC 9110, section 9.3.2), described by {@code headDocs}.
     */
    private record Route(HttpMethod method, String path, HandlerFunction<ServerResponse> handler,
                         Consumer<Builder> docs, Consumer<Builder> headDocs) {

        static Route post(String path, HandlerFunction<ServerResponse> handler, Consumer<Builder> docs) {
            return new Route(HttpMethod.POST, path, handler, docs, null);
        }

        static Route get(String path, HandlerFunction<ServerResponse> handler, Consumer<Builder> docs,
                         Consumer<Builder> headDocs) {
            return new Route(HttpMethod.GET, path, handler, docs, headDocs);
        }

        List<HttpMethod> methods() {
            return method == HttpMethod.GET ? List.of(HttpMethod.GET, HttpMethod.HEAD) : List.of(method);
        }

        /** A path without variables, which a later route's variable path may also match. */
        boolean literal() {
            return !path.contains("{");
        }
    }

    /** The stream API, written once: its routes and the 405s for their paths are both made from it. */
    private static List<Route> routes(StreamHandler handler) {
        return List.of(
                Route.post("/stream/start", handler::start, ApiDocs.start()),
                Route.post("/stream/{streamId}/start", handler::startWithId, ApiDocs.startWithId()),
                Route.post("/stream/{streamId}/send", handler::send, ApiDocs.send()),
                Route.get(RESULTS, handler::results, ApiDocs.results(), ApiDocs.resultsHead()),
                Route.post("/stream/{streamId}/end", handler::end, ApiDocs.end()),
                Route.get("/stream/{streamId}", handler::status, ApiDocs.status(), ApiDocs.statusHead()));
    }

    /**
     * The routes, then the 405s: each route's path with another method answers 405 with {@code Allow}, so that a
     * request to a real path with the wrong method is told which method it takes instead of 404. A literal path's 405
     * comes right after its route, before any route whose variable path it would match ({@code GET /stream/start} is a
     * 405, not the status of a stream named "start"); the others come after every route, where no request to a route
     * reaches them. One router, so that WebFlux composes none around it (a second router bean, consulted first, cost
     * every request seven Reactor operators, BENCHMARKS.md section 37), from one builder, which tries its routes as one
     * list (routes composed with {@code and} nest an operator each: 11% of the status route, section 78). The 405s are
     * not described: they are not operations.
     */
    @Bean
    RouterFunction<ServerResponse> streamRouter(StreamHandler handler) {
        List<Route> routes = routes(handler);
        RouterFunctions.Builder router = RouterFunctions.route();
        for (Route route : routes) {
            if (route.method() == HttpMethod.GET) {
                router.GET(route.path(), route.handler()).withAttribute(OPERATION_ATTRIBUTE, described(route.docs()));
                router.HEAD(route.path(), route.handler()) // WebFlux drops the body
                        .withAttribute(OPERATION_ATTRIBUTE, described(route.headDocs()));
            } else {
                router.POST(route.path(), route.handler()).withAttribute(OPERATION_ATTRIBUTE, described(route.docs()));
            }
            if (route.literal()) {
                wrongMethod(router, route.path(), route.methods());
            }
        }
        for (Route route : routes) {
            if (!route.literal()) {
                wrongMethod(router, route.path(), route.methods());
            }
        }
        // A stream's WebSocket is not a route, but its path is the API's too: Spring's handshake named CONNECT in its
        // 405s (for WebSockets over HTTP/2, which Reactor Netty does not offer, and ConnectRequests refuses).
        wrongMethod(router, StreamSocketHandler.PATH, List.of(HttpMethod.GET));
        return router.build();
    }

    /**
     * A route's description, where springdoc looks for it: the attribute its own route builder sets. springdoc
     * describes only the routes that carry one; its builder cannot leave a route out (it ignores {@code hidden()} and
     * reads each 405 route's negated method as the method, merging it into that path's operation and its name).
     */
    private static Builder described(Consumer<Builder> docs) {
        Builder operation = Builder.operationBuilder();
        docs.accept(operation);
        return operation;
    }

    /**
     * The method is checked first: a request to another route fails it there or at its path's first segment. An
     * {@code OPTIONS} asks which methods the path takes, and is told (a browser's CORS preflight never gets here:
     * Spring Security answers it, when CORS is on, before any route). Not an operation, so not described.
     */
    private static void wrongMethod(RouterFunctions.Builder router, String path, List<HttpMethod> methods) {
        Set<HttpMethod> allowed = new LinkedHashSet<>(methods); // Allow names them in this order, then OPTIONS
        allowed.add(HttpMethod.OPTIONS);
        router.route(methods(methods.toArray(HttpMethod[]::new)).negate().and(path(path)),
                request -> HttpMethod.OPTIONS.equals(request.method())
                        ? ServerResponse.ok().allow(allowed).build()
                        : Mono.error(new MethodNotAllowedException(request.method(), allowed)));
    }

    /**
     * The routes are matched first of all, ahead of the WebSocket mapping and of the actuator's and the annotated
     * controllers' mappings (WebFlux puts those first). Those check every request-mapping condition of each of their
     * endpoints, the path last, so every API request parsed its {@code Accept} header against the actuator's endpoints
     * before its route was found: 6% of the status route's allocation samples (BENCHMARKS.md section 14). Asking the
     * WebSocket mapping first cost every API request four Reactor operators and a path match (section 36). The routes
     * match only {@code /stream/} paths, and a stream's WebSocket path only with a method other than GET, so nothing
     * of the others' is shadowed.
     */
    @Bean
    static BeanPostProcessor routesFirst() {
        return AfterInitialization.of(RouterFunctionMapping.class,
                routes -> routes.setOrder(Ordered.HIGHEST_PRECEDENCE));
    }

    /** {@code GET /stream/{streamId}/ws}, right after the routes (WebSockets are not router functions). */
    @Bean
    HandlerMapping streamSocketMapping(Callers callers, StreamService streams, Problems problems, Chunks chunks,
                                       JsonMapper json, StreamgateProperties properties) {
        StreamSocketHandler handler = new StreamSocketHandler(callers, streams, problems, chunks, json,
                properties.stream().heartbeatInterval());
        return new SimpleUrlHandlerMapping(Map.of(StreamSocketHandler.PATH, handler), Ordered.HIGHEST_PRECEDENCE + 1);
    }

    /**
     * How a stream's WebSocket opens and what frames it takes: the handshake checked by {@link SocketHandshakes}, every
     * frame by {@link FrameRules} and counted against the budget by {@link FrameBudget}. Messages up to
     * {@link Chunks#maxMessageBytes()} reach the handler (which answers
     * a chunk over the limit with an error frame, like a send's 413); larger ones close the socket with 1009, as the
     * protocol says. Reactor Netty's default (64 KB) would refuse chunks a send accepts.
     */
    @Bean
    WebFluxConfigurer webSocketProtocol(Callers callers, Chunks chunks, BodyBudget budget,
                                        StreamgateProperties properties) {
        return new WebFluxConfigurer() {
            @Override
            public WebSocketService getWebSocketService() {
                return new SocketHandshakes(FrameRules.enforcedBy(new HandshakeWebSocketService(
                        new ReactorNettyRequestUpgradeStrategy(
                                WebsocketServerSpec.builder().maxFramePayloadLength(chunks.maxMessageBytes()))),
                        callers, budget, chunks.maxMessageBytes(), properties.limits().requestReadTimeout()));
            }
        };
    }
}
