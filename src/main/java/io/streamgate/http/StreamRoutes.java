package io.streamgate.http;

import static org.springframework.web.reactive.function.server.RequestPredicates.method;
import static org.springframework.web.reactive.function.server.RequestPredicates.path;

import java.util.Map;
import java.util.Set;

import io.streamgate.config.ConditionalOnRole;
import io.streamgate.config.Role;
import io.streamgate.config.StreamgateProperties;
import io.streamgate.stream.StreamService;
import org.springdoc.webflux.core.fn.SpringdocRouteBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import org.springframework.web.server.MethodNotAllowedException;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * The stream API's routes, on instances with the gateway role, each with its OpenAPI description ({@link ApiDocs}).
 * A known path with the wrong method answers 405 with {@code Allow}, not 404.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.GATEWAY)
class StreamRoutes {

    @Bean
    RouterFunction<ServerResponse> streamRouter(StreamHandler handler) {
        return SpringdocRouteBuilder.route()
                .POST("/stream/start", handler::start, ApiDocs.start())
                .POST("/stream/{streamId}/start", handler::startWithId, ApiDocs.startWithId())
                .POST("/stream/{streamId}/send", handler::send, ApiDocs.send())
                .GET("/stream/{streamId}/results", handler::results, ApiDocs.results())
                .POST("/stream/{streamId}/end", handler::end, ApiDocs.end())
                .GET("/stream/{streamId}", handler::status, ApiDocs.status())
                .build();
    }

    /** {@code GET /stream/{streamId}/ws}, ahead of the routes (WebSockets are not router functions). */
    @Bean
    HandlerMapping streamSocketMapping(StreamService streams, StreamgateProperties properties, Problems problems) {
        StreamSocketHandler handler = new StreamSocketHandler(streams, problems, properties.stream().maxChunkSize().toBytes());
        return new SimpleUrlHandlerMapping(Map.of(StreamSocketHandler.PATH, handler), Ordered.HIGHEST_PRECEDENCE);
    }

    /**
     * WebSocket frames up to twice the chunk limit reach the handler (which answers a chunk over the limit with an
     * error frame, like a send's 413); larger ones close the socket with 1009, as the protocol says. Reactor Netty's
     * default (64 KB) would refuse chunks a send accepts.
     */
    @Bean
    WebFluxConfigurer webSocketFrameLimit(StreamgateProperties properties) {
        int maxFrame = (int) Math.min(Integer.MAX_VALUE, 2 * properties.stream().maxChunkSize().toBytes());
        return new WebFluxConfigurer() {
            @Override
            public WebSocketService getWebSocketService() {
                return new HandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy(
                        WebsocketServerSpec.builder().maxFramePayloadLength(maxFrame)));
            }
        };
    }

    /**
     * Consulted first, so that {@code GET /stream/start} is a 405 and not the status of a stream named "start"; each
     * matches only what no stream route takes. Plain routes: they are not operations, so the API description leaves
     * them out.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    RouterFunction<ServerResponse> wrongMethodRouter() {
        return onlyAllows(path("/stream/start"), HttpMethod.POST)
                .and(onlyAllows(path("/stream/{streamId}/start"), HttpMethod.POST))
                .and(onlyAllows(path("/stream/{streamId}/send"), HttpMethod.POST))
                .and(onlyAllows(path("/stream/{streamId}/results"), HttpMethod.GET))
                .and(onlyAllows(path("/stream/{streamId}/end"), HttpMethod.POST))
                .and(onlyAllows(path("/stream/{streamId}").and(path("/stream/start").negate()), HttpMethod.GET));
    }

    /** Matches a request to {@code paths} with another method than {@code allowed}, and answers 405. */
    private static RouterFunction<ServerResponse> onlyAllows(RequestPredicate paths, HttpMethod allowed) {
        return RouterFunctions.route(paths.and(method(allowed).negate()), request ->
                Mono.error(new MethodNotAllowedException(request.method(), Set.of(allowed))));
    }
}
