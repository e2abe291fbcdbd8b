package io.streamgate.http;

import java.util.Iterator;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpVersion;
import io.streamgate.stream.InvalidRequestException;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

/**
 * An HTTP/1.1 request names the host it is for in one {@code Host} header whose value is a host and an optional port,
 * and a server must answer {@code 400} to one with none, with two, or with a value that is not a host (RFC 9112
 * section 3.2). Netty takes all three, and Spring builds the request's URI from whichever it finds. HTTP/1.0 has no
 * such rule. HTTP/2 names the host in {@code :authority}, which this leaves to Netty's HTTP/2 codec (its HPACK decoder
 * refuses a pseudo-header given twice).
 */
final class HostHeaderRule implements WebFilter, Ordered {

    private static final String DETAIL = "An HTTP/1.1 request names its host in exactly one Host header,"
            + " of a host and an optional port (RFC 9112 section 3.2)";

    /** What RFC 3986 allows in {@code uri-host [":" port]}, an IPv6 literal's brackets included. */
    private static final String HOST_CHARACTERS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%!$&'()*+,;=:[]";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest()) instanceof HttpServerRequest netty
                && HttpVersion.HTTP_1_1.equals(netty.version()) && !oneValidHost(netty)) {
            return Mono.error(new InvalidRequestException(DETAIL));
        }
        return chain.filter(exchange);
    }

    private static boolean oneValidHost(HttpServerRequest request) {
        Iterator<? extends CharSequence> hosts =
                request.requestHeaders().valueCharSequenceIterator(HttpHeaderNames.HOST);
        if (!hosts.hasNext()) {
            return false;
        }
        CharSequence host = hosts.next();
        return !hosts.hasNext() && isHost(host);
    }

    static boolean isHost(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            if (HOST_CHARACTERS.indexOf(value.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Right after the header size limit: a request this refuses is refused before authentication or routing. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 2;
    }
}
