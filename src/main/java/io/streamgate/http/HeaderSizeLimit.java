package io.streamgate.http;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

import io.streamgate.metrics.StreamMetrics;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Refuses requests whose headers together exceed the configured size with 431 and a problem body, before
 * authentication or routing. (Netty's own, larger cap still guards the parser: UndecodableRequests answers that one.)
 */
final class HeaderSizeLimit implements WebFilter, Ordered {

    private final long maxBytes;
    private final StreamMetrics metrics;

    HeaderSizeLimit(long maxBytes, StreamMetrics metrics) {
        this.maxBytes = maxBytes;
        this.metrics = metrics;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (sizeOf(exchange.getRequest()) > maxBytes) {
            metrics.limitRejected(HeadersTooLargeException.LIMIT);
            return Mono.error(new HeadersTooLargeException(maxBytes));
        }
        return chain.filter(exchange);
    }

    /**
     * The headers' size as sent ("name: value\r\n" each), read from Netty's own headers where there are some: Spring's
     * view of them builds a map of lists per call (one of the status route's allocation sites, BENCHMARKS.md 14).
     */
    private static long sizeOf(ServerHttpRequest request) {
        long size = 0;
        if (ServerHttpRequestDecorator.getNativeRequest(request) instanceof HttpServerRequest netty) {
            for (Iterator<Map.Entry<CharSequence, CharSequence>> headers = netty.requestHeaders().iteratorCharSequence();
                 headers.hasNext(); ) {
                Map.Entry<CharSequence, CharSequence> header = headers.next();
                size += header.getKey().length() + header.getValue().length() + 4;
            }
            return size;
        }
        for (Map.Entry<String, List<String>> header : request.getHeaders().headerSet()) {
            for (String value : header.getValue()) {
                size += header.getKey().length() + value.length() + 4;
            }
        }
        return size;
    }

    /** Right after SseReadObservation, so that an SSE read refused here is counted. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }
}
