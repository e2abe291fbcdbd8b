package io.streamgate.http;

import java.util.List;
import java.util.Map;

import io.streamgate.metrics.StreamMetrics;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses requests whose headers together exceed the configured size with 431 and a problem body, before
 * authentication or routing. (Netty's own, larger cap still guards the parser; it answers without a body.)
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
        long size = 0;
        for (Map.Entry<String, List<String>> header : exchange.getRequest().getHeaders().headerSet()) {
            for (String value : header.getValue()) {
                size += header.getKey().length() + value.length() + 4; // "name: value\r\n"
            }
        }
        if (size > maxBytes) {
            metrics.limitRejected("max-header-size");
            return Mono.error(new ResponseStatusException(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "The request headers are larger than " + maxBytes + " bytes"));
        }
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
