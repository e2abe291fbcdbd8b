package io.streamgate.http;

import static org.springframework.web.reactive.function.server.RequestPredicates.path;

import java.util.Set;

import io.streamgate.config.ConditionalOnRole;
import io.streamgate.config.Role;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.MethodNotAllowedException;
import reactor.core.publisher.Mono;

/**
 * The stream API's routes, on instances with the gateway role. A known path with the wrong method answers 405 with
 * {@code Allow}, not 404.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.GATEWAY)
class StreamRoutes {

    @Bean
    RouterFunction<ServerResponse> streamRouter(StreamHandler handler) {
        return RouterFunctions.route()
                .POST("/stream/start", handler::start)
                .add(onlyAllows("/stream/start", HttpMethod.POST))
                .POST("/stream/{streamId}/start", handler::startWithId)
                .POST("/stream/{streamId}/send", handler::send)
                .GET("/stream/{streamId}/results", handler::results)
                .POST("/stream/{streamId}/end", handler::end)
                .GET("/stream/{streamId}", handler::status)
                .add(onlyAllows("/stream/{streamId}/start", HttpMethod.POST))
                .add(onlyAllows("/stream/{streamId}/send", HttpMethod.POST))
                .add(onlyAllows("/stream/{streamId}/results", HttpMethod.GET))
                .add(onlyAllows("/stream/{streamId}/end", HttpMethod.POST))
                .add(onlyAllows("/stream/{streamId}", HttpMethod.GET))
                .build();
    }

    /** Matches any request to {@code pattern} that an earlier route did not take, and answers 405. */
    private static RouterFunction<ServerResponse> onlyAllows(String pattern, HttpMethod allowed) {
        return RouterFunctions.route(path(pattern), request ->
                Mono.error(new MethodNotAllowedException(request.method(), Set.of(allowed))));
    }
}
