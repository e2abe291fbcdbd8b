package io.streamgate.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import reactor.netty.NettyPipeline;

/**
 * Where a handler of HTTP/1.1 messages goes in a connection's pipeline: just before Reactor Netty's HTTP/1.1 handling,
 * after the decoder and the h2c upgrade handler, which it leaves alone. HTTP/2 streams have pipelines of their own and
 * never pass there. Over TLS with ALPN the HTTP/1.1 handling is added only once the handshake has chosen it, so there
 * the handler goes in then (AfterNegotiation).
 */
final class BeforeHttp11Handling {

    private final String name;
    private final ChannelHandler handler;
    private final AfterNegotiation afterNegotiation = new AfterNegotiation();

    /** {@code handler} is shared by every connection: it must be {@link ChannelHandler.Sharable}. */
    BeforeHttp11Handling(String name, ChannelHandler handler) {
        this.name = name;
        this.handler = handler;
    }

    /** On a new connection: now if it speaks HTTP/1.1, or once TLS has chosen HTTP/1.1 by ALPN. */
    void install(Channel connection) {
        if (!installNow(connection) && connection.pipeline().get(NettyPipeline.H2OrHttp11Codec) != null) {
            connection.pipeline().addAfter(NettyPipeline.H2OrHttp11Codec, afterNegotiation.name(), afterNegotiation);
        }
    }

    private boolean installNow(Channel connection) {
        ChannelHandlerContext http = connection.pipeline().context(NettyPipeline.HttpTrafficHandler);
        if (http != null) {
            connection.pipeline().addBefore(http.name(), name, handler);
        }
        return http != null;
    }

    /**
     * Waits behind Reactor Netty's ALPN handler, which sets up the chosen protocol's handlers when the TLS handshake
     * completes and then passes the handshake's event on: by then an HTTP/1.1 connection has its HTTP handling, and
     * this puts the handler before it; an HTTP/2 one has none, and is left as it is. Either way it goes.
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
