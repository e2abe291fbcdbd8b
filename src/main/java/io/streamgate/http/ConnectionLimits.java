package io.streamgate.http;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.security.SecurityHeaders;
import org.springframework.http.HttpHeaders;
import tools.jackson.databind.json.JsonMapper;

/**
 * Caps the connections open at once on this node. Sits first in every connection's pipeline: a connection over the
 * cap gets a 503 problem written straight to the socket and is closed, before any HTTP parsing or allocation. The
 * answer carries the security headers every other answer does (SecurityHeaders), so that a refusal is no weaker.
 *
 * <p>The answer is HTTP/1.1 in clear text, written ahead of any TLS handler: a TLS client over the cap gets it before
 * its handshake and cannot read it, nor can an h2c client with prior knowledge; each is closed at once all the same,
 * which is what the cap is for (spending a handshake on a connection refused for load would defeat it).
 */
@ChannelHandler.Sharable
final class ConnectionLimits extends ChannelInboundHandlerAdapter {

    static final String LIMIT = "max-connections";

    private final int maxConnections;
    private final StreamMetrics metrics;
    /** The whole answer, HTTP/1.1 head and problem body, encoded once. */
    private final byte[] response;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimits(int maxConnections, StreamMetrics metrics, JsonMapper json) {
        this.maxConnections = maxConnections;
        this.metrics = metrics;
        byte[] body = json.writeValueAsBytes(ProblemType.TOO_MANY_CONNECTIONS.body(
                "This gateway has as many connections open as it allows; retry shortly.", null).withLimit(LIMIT));
        StringBuilder head = new StringBuilder("HTTP/1.1 503 Service Unavailable\r\n"
                + "Content-Type: application/problem+json\r\n"
                + "Retry-After: 1\r\n"
                + "Connection: close\r\n"
                + "Content-Length: " + body.length + "\r\n");
        HttpHeaders security = new HttpHeaders();
        SecurityHeaders.writeTo(security, false);
        security.forEach((name, values) -> values.forEach(value -> head.append(name).append(": ").append(value)
                .append("\r\n")));
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        this.response = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, response, 0, headBytes.length);
        System.arraycopy(body, 0, response, headBytes.length, body.length);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > maxConnections) {
            metrics.limitRejected(LIMIT);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(response)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        super.channelInactive(ctx);
    }
}
