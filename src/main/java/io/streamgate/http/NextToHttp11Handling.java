package io.streamgate.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import reactor.netty.NettyPipeline;

/**
 * Where a handler of HTTP/1.1 messages goes in a connection's pipeline: next to Reactor Netty's HTTP/1.1 handling
 * ({@code HttpTrafficHandler}), just before it (after the decoder and the h2c upgrade handler, which it leaves alone)
 * or just after it. Before it, a handler sees every request as it is decoded and every answer as it leaves, the ones
 * Reactor Netty writes itself included; after it, a handler sees each request when Reactor Netty starts serving it
 * (a pipelined one once the answer before it is written) and each answer of the application before Reactor Netty
 * decides from its head whether the connection stays open. HTTP/2 streams have pipelines of their own and never pass
 * there. Over TLS with ALPN the HTTP/1.1 handling is added only once the handshake has chosen it, so there the handler
 * goes in then (AfterNegotiation).
 */
final class NextToHttp11Handling {

    private final String name;
    private final ChannelHandler handler;
    private final boolean after;
    private final AfterNegotiation afterNegotiation = new AfterNegotiation();

    private NextToHttp11Handling(String name, ChannelHandler handler, boolean after) {
        this.name = name;
        this.handler = handler;
        this.after = after;
    }

    /** {@code handler} is shared by every connection: it must be {@link ChannelHandler.Sharable}. */
    static NextToHttp11Handling before(String name, ChannelHandler handler) {
        return new NextToHttp11Handling(name, handler, false);
    }

    /** {@code handler} is shared by every connection: it must be {@link ChannelHandler.Sharable}. */
    static NextToHttp11Handling after(String name, ChannelHandler handler) {
        return new NextToHttp11Handling(name, handler, true);
    }

    /** On a new connection: now if it speaks HTTP/1.1, or once TLS has chosen HTTP/1.1 by ALPN. */
    void install(Channel connection) {
        if (!installNow(connection) && connection.pipeline().get(NettyPipeline.H2OrHttp11Codec) != null) {
            connection.pipeline().addAfter(NettyPipeline.H2OrHttp11Codec, afterNegotiation.name(), afterNegotiation);
        }
    }

    private boolean installNow(Channel connection) {
        ChannelHandlerContext http = connection.pipeline().context(NettyPipeline.HttpTrafficHandler);
        if (http == null) {
            return false;
        }
        if (after) {
            connection.pipeline().addAfter(http.name(), name, handler);
        } else {
            connection.pipeline().addBefore(http.name(), name, handler);
        }
        return true;
    }

    /**
     * Waits behind Reactor Netty's ALPN handler, which sets up the chosen protocol's handlers when the TLS handshake
     * completes and then passes the handshake's event on: by then an HTTP/1.1 connection has its HTTP handling, and
     * this puts the handler next to it; an HTTP/2 one has none, and is left as it is. Either way it goes.
     */
    @ChannelHandler.Sharable
    private final class AfterNegotiation extends ChannelInboundHandlerAdapter {

        String name() {
            return name + ".afterNegotiation";
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent) {
                ctx.pipeline().remove(this);
                installNow(ctx.channel());
            }
            super.userEventTriggered(ctx, event);
        }
    }
}
