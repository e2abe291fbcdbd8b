package io.streamgate.http;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * Answers an HTTP/2 stream that opened over its server's connection cap (ConnectionLimits marks it) with {@code 503}
 * and {@code Retry-After}, as a connection over the cap is answered, before anything else is done for it: its body is
 * not read, and the stream ends with the answer.
 */
final class StreamsOverCap implements WebFilter, Ordered {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest()) instanceof Connection netty) {
            String limit = ConnectionLimits.overCap(netty.channel());
            if (limit != null) {
                return Mono.error(new StreamOverCapException(limit));
            }
        }
        return chain.filter(exchange);
    }

    /** First of all: a stream refused is refused before its headers are looked at, or its caller is. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    /** An HTTP/2 stream over {@code limit}. */
    static final class StreamOverCapException extends RuntimeException {

        private final String limit;

        StreamOverCapException(String limit) {
            super("This gateway has as many connections and HTTP/2 streams open as it allows; retry shortly.", null,
                    false, false);
            this.limit = limit;
        }

        String limit() {
            return limit;
        }
    }
}
