package io.streamgate.http;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.streamgate.metrics.StreamMetrics;
import tools.jackson.databind.json.JsonMapper;

/**
 * Caps the connections open at once on this node. Sits first in every connection's pipeline: a connection over the
 * cap gets a 503 problem written straight to the socket and is closed, before any HTTP parsing or allocation.
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
        byte[] head = ("HTTP/1.1 503 Service Unavailable\r\n"
                + "Content-Type: application/problem+json\r\n"
                + "Retry-After: 1\r\n"
                + "Connection: close\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        this.response = new byte[head.length + body.length];
        System.arraycopy(head, 0, response, 0, head.length);
        System.arraycopy(body, 0, response, head.length, body.length);
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
