package io.streamgate.http;

import java.util.List;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.channel.ChannelOperations;

/**
 * Ends a WebSocket's frames at the first that breaks RFC 6455, whoever finds it: Netty's frame decoder checks most of
 * the protocol's rules, and this adds the one it is made to skip, reserved bits (section 5.2: they belong to
 * extensions, and none is negotiated here). Reactor Netty makes its decoder allow them whether or not an extension is
 * in use, so they passed: the first frame of a message with one was caught in the socket's handler, but a later
 * fragment's was not (its message was stored as if the bit were clear), a ping with one was answered, and a close
 * frame with one was echoed back with the bit set.
 *
 * <p>Placed right after the frame decoder, before fragments are joined into messages, it sees every frame. It drops
 * the first with a reserved bit and every frame after it, and fires a {@link CorruptedWebSocketFrameException} (1002)
 * naming it, which reaches the socket's handler as the end of what it receives: the messages before are answered,
 * then the socket closes with that status. On either failure, its own or the decoder's, it removes the aggregator,
 * which lets go of the start of a message the failure broke off; it would otherwise report it at the close (a
 * warning in the log for each such client).
 *
 * <p>It holds back the client's close frame the same way, as a {@link ClientClose}, unless it answers the gateway's
 * own: Reactor Netty echoed it and closed the connection at once, so the messages before it that were read and not
 * yet answered got no answer, stored or not. RFC 6455 (section 5.5.1) lets an endpoint finish what it is sending
 * before it answers a close; the socket's handler answers them all, then echoes the client's code.
 */
final class FrameRules extends ChannelDuplexHandler {

    private static final String NAME = "streamgate.frameRules";

    /** The data messages begun so far, numbered as the socket's handler numbers them. */
    private long messages;
    /** No frame passes: one broke the rules, or the client's close frame came (nothing may follow it). */
    private boolean ended;
    /** The gateway's close frame is on its way, so a close frame from the client answers it. */
    private boolean closeSent;

    /** Opens every socket of {@code handshakes} with these rules in its pipeline. */
    static WebSocketService enforcedBy(WebSocketService handshakes) {
        return (exchange, handler) -> handshakes.handleRequest(exchange, new Enforcing(handler,
                ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest()) instanceof Connection connection
                        ? connection.channel() : null));
    }

    /**
     * Installs the rules as the socket starts: after the handshake has put the frame decoder in the connection's
     * pipeline, and before it reads a frame (the handshake's listener starts the socket, on the connection's thread).
     */
    private record Enforcing(WebSocketHandler handler, Channel connection) implements WebSocketHandler {

        @Override
        public Mono<Void> handle(WebSocketSession socket) {
            if (connection != null) {
                ChannelPipeline pipeline = connection.pipeline();
                pipeline.addAfter(pipeline.context(WebSocketFrameDecoder.class).name(), NAME, new FrameRules());
            }
            return handler.handle(socket);
        }

        @Override
        public List<String> getSubProtocols() {
            return handler.getSubProtocols();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(message);
            return;
        }
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            messages++;
        }
        if (!ended && frame.rsv() == 0 && !(frame instanceof CloseWebSocketFrame && heldBack(ctx))) {
            ctx.fireChannelRead(frame);
            return;
        }
        Throwable end = ended ? null : frame.rsv() != 0 ? new CorruptedWebSocketFrameException(
                WebSocketCloseStatus.PROTOCOL_ERROR, named(frame)
                        + " sets a reserved bit and no extension is in use; nothing from it on was stored")
                : new ClientClose((CloseWebSocketFrame) frame);
        frame.release();
        if (end != null) {
            end(ctx, end);
        }
    }

    /**
     * Whether the client's close frame waits for the answers to the messages before it: not when it answers the
     * gateway's close, nor once the socket's handler has stopped reading (Reactor Netty echoes it then, as before).
     */
    private boolean heldBack(ChannelHandlerContext ctx) {
        ChannelOperations<?, ?> socket = ChannelOperations.get(ctx.channel());
        return !closeSent && (socket == null || !socket.isInboundCancelled());
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        if (message instanceof CloseWebSocketFrame) {
            closeSent = true;
        }
        ctx.write(message, promise);
    }

    /** The decoder's own finding of a broken frame (it has sent its close frame) ends the frames the same way. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException broken && !ended) {
            end(ctx, broken);
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    private void end(ChannelHandlerContext ctx, Throwable why) {
        ended = true;
        WebSocketFrameAggregator aggregator = ctx.pipeline().get(WebSocketFrameAggregator.class);
        if (aggregator != null) { // nothing reaches it from now on
            ctx.pipeline().remove(aggregator);
        }
        ctx.fireExceptionCaught(why);
    }

    /**
     * The client's close frame, as the end of the messages the socket's handler receives. Not a failure: it carries
     * the status to echo once the messages before it are answered ({@code 1000} for a close frame without one).
     */
    static final class ClientClose extends RuntimeException {

        private final transient CloseStatus echo;

        ClientClose(CloseWebSocketFrame frame) {
            super("The client closed the socket", null, false, false);
            // The decoder has checked the code: one a close frame may carry, or none.
            this.echo = frame.statusCode() < 0 ? CloseStatus.NORMAL
                    : new CloseStatus(frame.statusCode(), frame.reasonText());
        }

        CloseStatus echo() {
            return echo;
        }
    }

    /** A data frame by the number of its message (as acks number them), a control frame by the message before it. */
    private String named(WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame
                || frame instanceof ContinuationWebSocketFrame) {
            return "Frame " + messages;
        }
        String control = frame instanceof PingWebSocketFrame ? "ping" : frame instanceof PongWebSocketFrame ? "pong"
                : "close frame";
        return "A " + control + (messages == 0 ? " before frame 1" : " after frame " + messages);
    }
}
