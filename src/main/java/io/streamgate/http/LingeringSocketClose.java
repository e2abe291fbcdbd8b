package io.streamgate.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.util.AttributeKey;

/**
 * Closes a WebSocket connection the way RFC 6455 (section 7.1.1) has a server do it: after its close frame, it waits
 * for the client's before closing TCP, instead of closing at once as Reactor Netty does when the frame is written.
 *
 * <p>Closing at once lost close codes: bytes the client had sent before it read the close frame (its pong to a ping,
 * the rest of a message) reached a closed socket, which answered them with a reset, and a client that had not yet
 * read the close frame lost it with the connection ({@code StreamSocketIT}'s 1009 test got no close status in 1 to 5
 * tries in 100 once WebSockets were pinged). Now the output is shut once the close frame is out (the client reads it
 * and then the end of the stream), and what the client still sends is read and dropped until it closes its side, for
 * {@link #LINGER} at most. Other connections, and a WebSocket whose output is already shut, close at once.
 */
@ChannelHandler.Sharable
final class LingeringSocketClose extends ChannelOutboundHandlerAdapter {

    /** How long a client gets to answer the close frame with its own and close; browsers take milliseconds. */
    static final Duration LINGER = Duration.ofSeconds(2);

    private static final String NAME = "streamgate.lingeringSocketClose";
    private static final AttributeKey<Boolean> LINGERING = AttributeKey.valueOf(NAME);

    /** First in the pipeline, where every close of the connection passes, whoever asks for it. */
    void install(Channel connection) {
        connection.pipeline().addFirst(NAME, this);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        Channel channel = ctx.channel();
        if (!channel.hasAttr(LINGERING)) {
            if (!(channel instanceof DuplexChannel duplex) || !channel.isActive() || duplex.isOutputShutdown()
                    || channel.pipeline().get(WebSocketFrameEncoder.class) == null) {
                ctx.close(promise);
                return;
            }
            channel.attr(LINGERING).set(Boolean.TRUE);
            duplex.shutdownOutput();
            channel.config().setAutoRead(true); // the client's last bytes are read (and dropped by the closed session)
            ctx.read();
            ctx.executor().schedule(() -> ctx.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
        }
        // This close and any asked for while lingering (Reactor Netty's own, a timeout) complete with the connection's.
        channel.closeFuture().addListener(closed -> promise.trySuccess());
    }
}
