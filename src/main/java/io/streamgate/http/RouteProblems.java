package io.streamgate.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.security.SecurityHeaders;
import org.reactivestreams.Publisher;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.support.Netty4HeadersAdapter;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a Reactor Netty route that comes before Spring's (MalformedRequestTargets, AsteriskRequests) answers: a problem
 * of one {@link ProblemType}, with the security headers every other answer has, counted in
 * {@code streamgate.http.refusals} since {@code http.server.requests} never sees it.
 */
final class RouteProblems {

    private final JsonMapper json;
    private final StreamMetrics metrics;

    RouteProblems(JsonMapper json, StreamMetrics metrics) {
        this.json = json;
        this.metrics = metrics;
    }

    Publisher<Void> send(HttpServerRequest request, HttpServerResponse response, ProblemType type, String detail) {
        metrics.refusedBeforeWebFlux(type.status.value(), type.slug());
        byte[] body = json.writeValueAsBytes(type.body(detail, null));
        response.status(HttpResponseStatus.valueOf(type.status.value()))
                .header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        withSecurityHeaders(request, response);
        return response.sendByteArray(Mono.just(body));
    }

    /** The security headers every answer carries, on a response of a route before Spring's. */
    static HttpHeaders withSecurityHeaders(HttpServerRequest request, HttpServerResponse response) {
        HttpHeaders headers = new HttpHeaders(new Netty4HeadersAdapter(response.responseHeaders()));
        SecurityHeaders.writeTo(headers, "https".equals(request.scheme()));
        return headers;
    }
}
