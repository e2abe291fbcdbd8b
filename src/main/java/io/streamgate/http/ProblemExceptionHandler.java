package io.streamgate.http;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders every failure that reaches WebFlux (from handlers, routing, codecs and actuator alike) as
 * {@code application/problem+json}. Runs before Spring Boot's default handler, which would answer in its own shape.
 */
@Order(-2)
final class ProblemExceptionHandler implements WebExceptionHandler {

    private final Problems problems;
    private final JsonMapper json;

    ProblemExceptionHandler(Problems problems, JsonMapper json) {
        this.problems = problems;
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(error); // mid-stream (SSE): nothing can be said any more, the connection closes
        }
        if (answeredByReactorNetty(response)) {
            return Mono.empty();
        }
        if (GoneClients.wentAway(error)) {
            // Reset mid-request (its body cut off): nobody to answer. WebFlux would log it as a 500 at ERROR; its
            // request metric says the connection was aborted, as WebFlux records a client gone once answering began,
            // and the head WebFlux still writes to the dead connection says the request was incomplete.
            ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                    .ifPresent(observation -> observation.setConnectionAborted(true));
            response.setStatusCode(HttpStatus.BAD_REQUEST);
            return Mono.empty();
        }
        Problems.Problem problem = problems.of(error, exchange.getRequest().getPath().value());
        response.setStatusCode(problem.status());
        response.getHeaders().addAll(problem.headers());
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        byte[] body = json.writeValueAsBytes(problem.body());
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    /**
     * Reactor Netty answers a request it cannot decode (a malformed chunked body) with its own 400 and ends it; the
     * handler reading the body then fails too, and writing its problem would fail again, logged by WebFlux as a 500.
     */
    private static boolean answeredByReactorNetty(ServerHttpResponse response) {
        return ServerHttpResponseDecorator.getNativeResponse(response) instanceof HttpServerResponse netty
                && netty.hasSentHeaders();
    }
}
