package io.streamgate.http;

import static org.springframework.web.reactive.function.server.RequestPredicates.method;
import static org.springframework.web.reactive.function.server.RequestPredicates.path;

import java.util.Set;

import io.streamgate.config.ConditionalOnRole;
import io.streamgate.config.Role;
import org.springdoc.webflux.core.fn.SpringdocRouteBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.MethodNotAllowedException;
import reactor.core.publisher.Mono;

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
