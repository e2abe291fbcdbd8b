package io.streamgate.http;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

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
 * <p>It holds back the client's close frame the same way, as an {@link EndOfFrames}, unless it answers the gateway's
 * own: Reactor Netty echoed it and closed the connection at once, so the messages before it that were read and not
 * yet answered got no answer, stored or not. RFC 6455 (section 5.5.1) lets an endpoint finish what it is sending
 * before it answers a close; the socket's handler answers them all, then echoes the client's code.
 */
final class FrameRules extends ChannelDuplexHandler {

    private static final String NAME = "streamgate.frameRules";
    private static final String HOLDING = NAME + ".holding";

    /** The socket's share of the budget, closed once its handler has stopped reading. */
    private final BodyBudget.Holding holding;
    /** The data messages begun so far, numbered as the socket's handler numbers them. */
    private long messages;
    /** No frame passes: one broke the rules, or the client's close frame came (nothing may follow it). */
    private boolean ended;
    /** The gateway's close frame is on its way, so a close frame from the client answers it. */
    private boolean closeSent;

    FrameRules(BodyBudget.Holding holding) {
        this.holding = holding;
    }

    /**
     * Opens every socket of {@code handshakes} with these rules in its pipeline, and its frames counted against
     * {@code budget} and its caller's share of it as they arrive ({@link FrameBudget}: frames over
     * {@code largestFrame} are the decoder's to refuse, and a message must come whole within {@code messageTimeout}).
     */
    static WebSocketService enforcedBy(WebSocketService handshakes, Callers callers, BodyBudget budget,
                                       long largestFrame, Duration messageTimeout) {
        return (exchange, handler) -> callers.tenant(exchange.getPrincipal()).flatMap(tenant ->
                handshakes.handleRequest(exchange, new Enforcing(handler,
                        ((Connection) ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest())).channel(),
                        () -> new FrameBudget(budget.holding(tenant), largestFrame, messageTimeout))));
    }

    /** What the socket's frames hold against the budget, given back by its handler as it answers them. */
    static BodyBudget.Holding holding(WebSocketSession socket) {
        return (BodyBudget.Holding) socket.getAttributes().get(HOLDING);
    }

    /**
     * Installs the rules and the count as the socket starts: after the handshake has put the frame decoder in the
     * connection's pipeline, and before it reads a frame (the handshake's listener starts the socket, on the
     * connection's thread).
     */
    private record Enforcing(WebSocketHandler handler, Channel connection, Supplier<FrameBudget> budgets)
            implements WebSocketHandler {

        @Override
        public Mono<Void> handle(WebSocketSession socket) {
            FrameBudget budget = budgets.get();
            socket.getAttributes().put(HOLDING, budget.holding());
            ChannelPipeline pipeline = connection.pipeline();
            String decoder = pipeline.context(WebSocketFrameDecoder.class).name();
            pipeline.addBefore(decoder, FrameBudget.NAME, budget);
            pipeline.addAfter(decoder, NAME, new FrameRules(budget.holding()));
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
        if (ended) {
            frame.release();
        } else if (frame.rsv() != 0) {
            String named = named(frame);
            frame.release();
            end(ctx, new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR,
                    named + " sets a reserved bit and no extension is in use; nothing from it on was stored"));
        } else if (frame instanceof CloseWebSocketFrame close && heldBack()) {
            EndOfFrames end = EndOfFrames.clientClose(close);
            close.release();
            end(ctx, end);
        } else {
            ctx.fireChannelRead(frame);
        }
    }

    /**
     * Whether the client's close frame waits for the answers to the messages before it: not when it answers the
     * gateway's close, nor once the socket's handler has stopped reading (Reactor Netty echoes it then, as before).
     */
    private boolean heldBack() {
        return !closeSent && !holding.isClosed();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        if (message instanceof CloseWebSocketFrame) {
            closeSent = true;
        }
        ctx.write(message, promise);
    }

    /**
     * The decoder's own finding of a broken frame (it has sent its close frame) ends the frames the same way, as does
     * {@link FrameBudget}'s refusal of a frame.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if ((cause instanceof CorruptedWebSocketFrameException || cause instanceof EndOfFrames) && !ended) {
            end(ctx, cause);
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
     * The end of the frames the socket's handler receives, with the status the socket closes with once the messages
     * before it are answered: the client's close frame (its status echoed, {@code 1000} for one without), or
     * {@link FrameBudget}'s refusal of a frame.
     */
    static final class EndOfFrames extends RuntimeException {

        private final transient CloseStatus closeWith;

        EndOfFrames(CloseStatus closeWith) {
            super(closeWith.toString(), null, false, false);
            this.closeWith = closeWith;
        }

        static EndOfFrames clientClose(CloseWebSocketFrame frame) {
            // The decoder has checked the code: one a close frame may carry, or none.
            return new EndOfFrames(frame.statusCode() < 0 ? CloseStatus.NORMAL
                    : new CloseStatus(frame.statusCode(), frame.reasonText()));
        }

        CloseStatus closeWith() {
            return closeWith;
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
