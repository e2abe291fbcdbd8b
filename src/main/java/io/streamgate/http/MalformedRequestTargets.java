package io.streamgate.http;

import java.net.URI;
import java.net.URISyntaxException;

import org.reactivestreams.Publisher;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * A request whose target is not a URI (a {@code %} not followed by two hexadecimal digits, as in {@code /stream/%zz},
 * or a character a URI holds only percent-encoded, such as a quote or a brace) gets a {@code 400} problem saying so,
 * like any other bad request. Spring's Reactor adapter parses the target into a {@link URI} before any filter or
 * exception handler runs, and answers one it cannot parse with an empty {@code 400}; this route comes before it.
 *
 * <p>Every request pays one scan of its target; only one with a character outside RFC 3986's plain ones (a non-ASCII
 * letter, a fragment, brackets) is parsed the way Spring parses it, so a target Spring takes is never refused here.
 * The answer is written by Reactor Netty, outside WebFlux (RouteProblems): it is not timed by
 * {@code http.server.requests}, but counted in {@code streamgate.http.refusals}.
 */
final class MalformedRequestTargets implements NettyRouteProvider {

    /** What a request target may hold anywhere, path or query, besides {@code %HH}: RFC 3986's unreserved and reserved
     * characters, but for the brackets and {@code #} that java.net.URI takes in some places only. */
    private static final boolean[] PLAIN = new boolean[128];

    static {
        String plain = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?";
        for (int i = 0; i < plain.length(); i++) {
            PLAIN[plain.charAt(i)] = true;
        }
    }

    private final RouteProblems problems;

    MalformedRequestTargets(RouteProblems problems) {
        this.problems = problems;
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        return routes.route(request -> !isUri(request.uri()), this::answer);
    }

    /** Whether Spring can take the target: it builds the request's URI with {@code new URI(String)}. */
    static boolean isUri(String target) {
        return plain(target) || malformation(target) == null;
    }

    private static boolean plain(String target) {
        int length = target.length();
        for (int i = 0; i < length; i++) {
            char c = target.charAt(i);
            if (c == '%') {
                if (i + 2 >= length || !hex(target.charAt(i + 1)) || !hex(target.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (c >= PLAIN.length || !PLAIN[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** What java.net.URI finds wrong with the target, or null when it parses. */
    private static URISyntaxException malformation(String target) {
        try {
            new URI(target);
            return null;
        } catch (URISyntaxException e) {
            return e;
        }
    }

    private Publisher<Void> answer(HttpServerRequest request, HttpServerResponse response) {
        URISyntaxException malformed = malformation(request.uri());
        String detail = "The request target is not a valid URI (" + (malformed == null ? "unparsable"
                : malformed.getReason() + " at index " + malformed.getIndex()) + "): a % must begin an escape of two"
                + " hexadecimal digits, and characters outside RFC 3986 such as spaces, quotes or braces must be"
                + " percent-encoded";
        return problems.send(request, response, ProblemType.INVALID_REQUEST, detail);
    }
}
