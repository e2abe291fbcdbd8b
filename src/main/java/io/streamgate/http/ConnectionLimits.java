package io.streamgate.http;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.streamgate.metrics.StreamMetrics;

/**
 * Caps the connections open at once on this node. Sits first in every connection's pipeline: a connection over the
 * cap gets a 503 problem written straight to the socket and is closed, before any HTTP parsing or allocation.
 */
@ChannelHandler.Sharable
final class ConnectionLimits extends ChannelInboundHandlerAdapter {

    private static final String BODY = "{\"type\":\"/problems/too-many-connections\",\"title\":\"Too many connections\","
            + "\"status\":503,\"detail\":\"This gateway has as many connections open as it allows; retry shortly.\","
            + "\"limit\":\"max-connections\"}";
    private static final byte[] RESPONSE = ("HTTP/1.1 503 Service Unavailable\r\n"
            + "Content-Type: application/problem+json\r\n"
            + "Retry-After: 1\r\n"
            + "Connection: close\r\n"
            + "Content-Length: " + BODY.length() + "\r\n\r\n" + BODY).getBytes(StandardCharsets.US_ASCII);

    private final int maxConnections;
    private final StreamMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimits(int maxConnections, StreamMetrics metrics) {
        this.maxConnections = maxConnections;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > maxConnections) {
            metrics.limitRejected("max-connections");
            ctx.writeAndFlush(Unpooled.wrappedBuffer(RESPONSE)).addListener(ChannelFutureListener.CLOSE);
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
