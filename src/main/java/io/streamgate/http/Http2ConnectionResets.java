package io.streamgate.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2MultiplexHandler;

/**
 * Ends an HTTP/2 connection its client reset (a browser tab closed mid-stream, a killed curl) as a client gone
 * ({@link GoneClients}), instead of letting the reset reach the end of the connection's pipeline, where Netty logs
 * "An exceptionCaught() event was fired, and it reached at the tail of the pipeline" as a warning, once per such
 * connection: on an HTTP/2 connection no request's handler takes it (each request lives on a stream channel of its
 * own, which learns of the connection's end as it closes). An HTTP/1.1 connection's reset goes on to its request, as
 * before.
 */
@ChannelHandler.Sharable
final class Http2ConnectionResets extends ChannelInboundHandlerAdapter {

    private static final String NAME = "streamgate.http2ConnectionResets";

    /** At the end of the connection's pipeline as it starts, before the handlers of the protocol it will speak. */
    void install(Channel connection) {
        connection.pipeline().addLast(NAME, this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ctx.pipeline().get(Http2MultiplexHandler.class) != null && GoneClients.wentAway(cause)) {
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }
}
