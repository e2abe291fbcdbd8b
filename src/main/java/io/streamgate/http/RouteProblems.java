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
 * How a Reactor Netty route that comes before Spring's (MalformedRequestTargets, AsteriskRequests, ConnectRequests)
 * answers: a problem of one {@link ProblemType}, with the security headers every other answer has, counted in
 * {@code streamgate.http.refusals} since {@code http.server.requests} never sees it. Its security headers' writer
 * serves every answer made below WebFlux in Netty's headers (UndecodableRequests' too).
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
        writeSecurityHeaders(response.responseHeaders(), "https".equals(request.scheme()));
        return response.sendByteArray(Mono.just(body));
    }

    /** The security headers every answer carries, written onto an answer made below WebFlux, in Netty's headers. */
    static void writeSecurityHeaders(io.netty.handler.codec.http.HttpHeaders headers, boolean secure) {
        SecurityHeaders.writeTo(new HttpHeaders(new Netty4HeadersAdapter(headers)), secure);
    }
}
