package io.streamgate.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.security.SecurityHeaders;
import org.reactivestreams.Publisher;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.support.Netty4HeadersAdapter;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request whose target is {@code *} (RFC 9112's asterisk-form) asks about the server as a whole: {@code OPTIONS *}
 * gets {@code 200} with the methods this server serves in {@code Allow}, as RFC 9110 (9.3.7) describes, and any other
 * method a {@code 400} problem, the form being for {@code OPTIONS} only. Spring reads the asterisk as the path
 * {@code /*} and answered both with a 404 saying nothing is served there.
 *
 * <p>Like MalformedRequestTargets, this route comes before Spring's, so before its security too: the answer tells
 * nothing of any stream, and a key is not asked for. The refusals are counted in {@code streamgate.http.refusals};
 * neither answer is timed by {@code http.server.requests}.
 */
final class AsteriskRequests implements NettyRouteProvider {

    /** Every method some route of the gateway or the actuator serves. */
    static final String ALLOW = "GET, HEAD, POST, OPTIONS";

    private final JsonMapper json;
    private final StreamMetrics metrics;

    AsteriskRequests(JsonMapper json, StreamMetrics metrics) {
        this.json = json;
        this.metrics = metrics;
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        return routes.route(request -> "*".equals(request.uri()), this::answer);
    }

    private Publisher<Void> answer(HttpServerRequest request, HttpServerResponse response) {
        HttpHeaders headers = new HttpHeaders(new Netty4HeadersAdapter(response.responseHeaders()));
        SecurityHeaders.writeTo(headers, "https".equals(request.scheme()));
        if (HttpMethod.OPTIONS.equals(request.method())) {
            headers.set(HttpHeaders.ALLOW, ALLOW);
            headers.setContentLength(0);
            return response.status(HttpResponseStatus.OK).send();
        }
        ProblemType type = ProblemType.INVALID_REQUEST;
        metrics.refusedBeforeWebFlux(type.status.value(), type.slug());
        headers.set(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        byte[] body = json.writeValueAsBytes(type.body("The request target * (asterisk-form) is for OPTIONS only,"
                + " asking about the server as a whole (RFC 9112 3.2.4); " + request.method().name()
                + " needs a path", null));
        return response.status(HttpResponseStatus.BAD_REQUEST).sendByteArray(Mono.just(body));
    }
}
