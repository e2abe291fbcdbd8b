package io.streamgate.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;

/**
 * Lets a cleartext connection switch from HTTP/1.1 to HTTP/2 (h2c) on its first request only, then frees what the
 * switch would need.
 *
 * <p>With h2c on, Reactor Netty keeps an upgrade handler in every HTTP/1.1 connection for the connection's whole life,
 * and that handler holds a ready-made HTTP/2 codec (HPACK tables, stream and flow-control state): 4.5 KB of heap per
 * connection, a sixth of what an SSE reader costs. Clients ask for the switch on a connection's first request (curl
 * {@code --http2} and Reactor Netty's client do); a later request's {@code Upgrade} header is ignored, as RFC 9110
 * section 7.8 allows, and that request is answered over HTTP/1.1. A first request of HTTP/1.0 closes the window
 * unopened (FirstRequestOfHttp10).
 */
@ChannelHandler.Sharable
final class H2cUpgradeWindow extends ChannelInboundHandlerAdapter {

    private static final String NAME = "streamgate.h2cUpgradeWindow";
    private static final String HTTP10_NAME = "streamgate.h2cUpgradeWindow.http10";

    private final FirstRequestOfHttp10 http10 = new FirstRequestOfHttp10();

    /** On a new connection that offers the upgrade; a connection without it (TLS, h2c off) is left as it is. */
    void install(Channel connection) {
        ChannelPipeline pipeline = connection.pipeline();
        ChannelHandlerContext upgrade = pipeline.context(HttpServerUpgradeHandler.class);
        if (upgrade != null) {
            pipeline.addBefore(upgrade.name(), HTTP10_NAME, http10);
            pipeline.addAfter(upgrade.name(), NAME, this);
        }
    }

    /**
     * Whatever arrives here has passed the upgrade handler without switching: the first request, which did not ask for
     * HTTP/2 (or asked for another protocol, such as WebSocket). The upgrade handler goes before the request goes on:
     * Reactor Netty's, when removed, also removes the pipeline's read-timeout handler, which the request's own
     * handling adds next.
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        ChannelPipeline pipeline = ctx.pipeline();
        if (message instanceof HttpRequest) {
            ChannelHandler upgrade = pipeline.get(HttpServerUpgradeHandler.class);
            if (upgrade != null) {
                pipeline.remove(upgrade);
            }
        }
        pipeline.remove(this);
        ctx.fireChannelRead(message);
    }

    /** The connection switched to HTTP/2, by upgrade or by prior knowledge: the window has served its purpose. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof HttpServerUpgradeHandler.UpgradeEvent
                || event instanceof CleartextHttp2ServerUpgradeHandler.PriorKnowledgeUpgradeEvent) {
            ctx.pipeline().remove(this);
            if (ctx.pipeline().get(HTTP10_NAME) != null) { // by prior knowledge: no request came past it
                ctx.pipeline().remove(HTTP10_NAME);
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    /**
     * Keeps a connection whose first request is HTTP/1.0 from switching: RFC 9110 has a server ignore an HTTP/1.0
     * request's {@code Upgrade} (7.8), which an old proxy may pass on without knowing what it asks, and send no
     * HTTP/1.0 client a {@code 101} (15.2). Netty's upgrade handler looks at no version, and switched such a
     * connection to HTTP/2. Sits before it until the first request has passed.
     */
    @ChannelHandler.Sharable
    private static final class FirstRequestOfHttp10 extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof HttpRequest request) {
                ChannelPipeline pipeline = ctx.pipeline();
                pipeline.remove(this);
                ChannelHandler upgrade = pipeline.get(HttpServerUpgradeHandler.class);
                if (request.protocolVersion().equals(HttpVersion.HTTP_1_0) && upgrade != null) {
                    pipeline.remove(upgrade);
                }
            }
            ctx.fireChannelRead(message);
        }
    }
}
