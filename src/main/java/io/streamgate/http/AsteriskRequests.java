package io.streamgate.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.reactivestreams.Publisher;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.http.HttpHeaders;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

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

    private final RouteProblems problems;

    AsteriskRequests(RouteProblems problems) {
        this.problems = problems;
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        return routes.route(request -> "*".equals(request.uri()), this::answer);
    }

    private Publisher<Void> answer(HttpServerRequest request, HttpServerResponse response) {
        if (HttpMethod.OPTIONS.equals(request.method())) {
            response.status(HttpResponseStatus.OK)
                    .header(HttpHeaders.ALLOW, ALLOW)
                    .header(HttpHeaders.CONTENT_LENGTH, "0");
            RouteProblems.writeSecurityHeaders(response.responseHeaders(), "https".equals(request.scheme()));
            return response.send();
        }
        return problems.send(request, response, ProblemType.INVALID_REQUEST, "The request target * (asterisk-form) is"
                + " for OPTIONS only, asking about the server as a whole (RFC 9112 3.2.4); " + request.method().name()
                + " needs a path");
    }
}
