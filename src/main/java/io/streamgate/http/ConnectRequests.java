package io.streamgate.http;

import io.netty.handler.codec.http.HttpMethod;
import org.reactivestreams.Publisher;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * A {@code CONNECT} request asks for a tunnel to the host and port it names (RFC 9110 9.3.6), a proxy's method, which
 * this gateway, an origin server, does not implement for any resource: it gets a {@code 501} problem saying so (RFC
 * 9110 15.6.2), and an HTTP/1.1 connection is closed after it, so that bytes a client sent ahead for the tunnel are
 * never read as a request. Spring read its target (authority-form, {@code CONNECT example.com:443}) as the path
 * {@code /example.com:443} and answered with a 404 saying nothing is served there.
 *
 * <p>Like AsteriskRequests, this route comes before Spring's, so before its security too: the answer tells nothing of
 * any stream. The refusal is counted in {@code streamgate.http.refusals}; it is not timed by
 * {@code http.server.requests}.
 */
final class ConnectRequests implements NettyRouteProvider {

    private final RouteProblems problems;

    ConnectRequests(RouteProblems problems) {
        this.problems = problems;
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        return routes.route(request -> HttpMethod.CONNECT.equals(request.method()), this::answer);
    }

    private Publisher<Void> answer(HttpServerRequest request, HttpServerResponse response) {
        if (request.version().majorVersion() == 1) {
            response.keepAlive(false);
        }
        return problems.send(request, response, ProblemType.NOT_IMPLEMENTED, "CONNECT is not implemented: this"
                + " gateway is not a proxy and opens no tunnels; its API is GET and POST on /stream");
    }
}
