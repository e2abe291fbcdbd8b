package io.streamgate.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;

/**
 * Lets a cleartext connection switch from HTTP/1.1 to HTTP/2 (h2c) on its first request only, then frees what the
 * switch would need.
 *
 * <p>With h2c on, Reactor Netty keeps an upgrade handler in every HTTP/1.1 connection for the connection's whole life,
 * and that handler holds a ready-made HTTP/2 codec (HPACK tables, stream and flow-control state): 4.5 KB of heap per
 * connection, a sixth of what an SSE reader costs. Clients ask for the switch on a connection's first request (curl
 * {@code --http2} and Reactor Netty's client do); a later request's {@code Upgrade} header is ignored, as RFC 9110
 * section 7.8 allows, and that request is answered over HTTP/1.1.
 */
@ChannelHandler.Sharable
final class H2cUpgradeWindow extends ChannelInboundHandlerAdapter {

    private static final String NAME = "streamgate.h2cUpgradeWindow";

    /** On a new connection that offers the upgrade; a connection without it (TLS, h2c off) is left as it is. */
    void install(Channel connection) {
        ChannelPipeline pipeline = connection.pipeline();
        ChannelHandlerContext upgrade = pipeline.context(HttpServerUpgradeHandler.class);
        if (upgrade != null) {
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
        }
        ctx.fireUserEventTriggered(event);
    }
}
