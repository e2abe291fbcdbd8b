package io.streamgate.http;

import static io.streamgate.http.ClientFrames.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.streamgate.config.TenantShare;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.socket.CloseStatus;

class FrameRulesTest {

    private static final int TEXT = 0x1;
    private static final int CONTINUATION = 0x0;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    private static final int FIN = 0x80;
    private static final int RSV1 = 0x40;

    /**
     * The frame decoder as Reactor Netty makes it (allowing reserved bits), the rule where the gateway puts it (right
     * after), and the aggregator Spring's session adds, which joins fragments into messages.
     */
    private final EmbeddedChannel connection = new EmbeddedChannel(new WebSocket13FrameDecoder(true, true, 65536),
            rules(), new WebSocketFrameAggregator(65536));

    /** The rules of a socket whose handler is still reading. */
    private static FrameRules rules() {
        return new FrameRules(new BodyBudget(65536, TenantShare.fixed(65536)).holding("tenant"));
    }

    @AfterEach
    void close() {
        connection.finishAndReleaseAll();
    }

    @Test
    void passesFramesWhoseReservedBitsAreClear() {
        connection.writeInbound(frames(frame(TEXT, "ab"), frame(FIN | CONTINUATION, "cd"), frame(FIN | PING, "p"),
                frame(FIN | TEXT, "ef")));

        assertThat(messagesRead()).containsExactly("TextWebSocketFrame abcd", "PingWebSocketFrame p",
                "TextWebSocketFrame ef");
        connection.checkException();
    }

    @Test
    void failsOnAMessagesFirstFrameWithAReservedBitNamingItsNumber() {
        Throwable failure = catchThrowable(() -> connection.writeInbound(frames(frame(FIN | TEXT, "before"),
                frame(FIN | RSV1 | TEXT, "as if compressed"), frame(FIN | TEXT, "after"))));

        assertThat(messagesRead()).containsExactly("TextWebSocketFrame before");
        assertFailedWith(failure, "Frame 2 sets a reserved bit and no extension is in use; nothing from it on was "
                + "stored");
    }

    /** The aggregator takes a message's reserved bits from its first frame, so a later fragment's went unseen. */
    @Test
    void failsOnALaterFragmentWithAReservedBitAndPassesNothingOfItsMessage() {
        Throwable failure = catchThrowable(() -> connection.writeInbound(frames(frame(FIN | TEXT, "before"),
                frame(TEXT, "ab"), frame(FIN | RSV1 | CONTINUATION, "cd"), frame(FIN | TEXT, "after"))));

        assertThat(messagesRead()).containsExactly("TextWebSocketFrame before");
        assertFailedWith(failure, "Frame 2 sets a reserved bit and no extension is in use; nothing from it on was "
                + "stored");
        assertThat(catchThrowable(connection::finishAndReleaseAll)).as("the aggregator's report of a message cut off")
                .isNull();
    }

    /** The decoder's own finding, mid-message, lets go of the message's start too, with no report at the close. */
    @Test
    void passesOnTheDecodersFindingAndDropsTheMessageItBrokeOff() {
        Throwable failure = catchThrowable(() -> connection.writeInbound(frames(frame(FIN | TEXT, "before"),
                frame(TEXT, "ab"), frame(FIN | TEXT, "a new message inside the last"))));

        assertThat(messagesRead()).containsExactly("TextWebSocketFrame before");
        assertThat(failure).isInstanceOfSatisfying(CorruptedWebSocketFrameException.class,
                corrupted -> assertThat(corrupted.closeStatus().code()).isEqualTo(1002));
        assertThat(catchThrowable(connection::finishAndReleaseAll)).as("the aggregator's report of a message cut off")
                .isNull();
    }

    @Test
    void failsOnAControlFrameWithAReservedBitNamingTheMessageBeforeIt() {
        Throwable failure = catchThrowable(() -> connection.writeInbound(frames(frame(FIN | TEXT, "before"),
                frame(FIN | RSV1 | PING, "p"))));

        assertThat(messagesRead()).containsExactly("TextWebSocketFrame before");
        assertFailedWith(failure, "A ping after frame 1 sets a reserved bit");
    }

    @Test
    void namesAControlFrameBeforeAnyMessageAndEachKind() {
        EmbeddedChannel pong = new EmbeddedChannel(new WebSocket13FrameDecoder(true, true, 65536), rules());
        EmbeddedChannel close = new EmbeddedChannel(new WebSocket13FrameDecoder(true, true, 65536), rules());
        try {
            assertThat(catchThrowable(() -> pong.writeInbound(frames(frame(FIN | RSV1 | PONG, "")))))
                    .hasMessageStartingWith("A pong before frame 1 sets");
            assertThat(catchThrowable(() -> close.writeInbound(frames(frame(FIN | TEXT, "one"),
                    frame(FIN | TEXT, "two"), frame(FIN | RSV1 | CLOSE, "\u0003\u00e8")))))
                    .hasMessageStartingWith("A close frame after frame 2 sets");
        } finally {
            pong.finishAndReleaseAll();
            close.finishAndReleaseAll();
        }
    }

    /** The close waits for the answers to the messages before it; nothing after it is read (none may follow). */
    @Test
    void holdsBackTheClientsCloseAsTheEndOfTheMessagesWithItsStatusToEcho() {
        Throwable end = catchThrowable(() -> connection.writeInbound(frames(frame(FIN | TEXT, "before"),
                frame(FIN | CLOSE, "\u0003\u00e9going away"), frame(FIN | TEXT, "after"))));

        assertThat(messagesRead()).containsExactly("TextWebSocketFrame before");
        assertThat(end).isInstanceOfSatisfying(FrameRules.EndOfFrames.class,
                close -> assertThat(close.closeWith()).isEqualTo(new CloseStatus(1001, "going away")));
    }

    @Test
    void echoesACloseWithoutAStatusAsANormalOne() {
        Throwable end = catchThrowable(() -> connection.writeInbound(frames(frame(FIN | CLOSE, ""))));

        assertThat(end).isInstanceOfSatisfying(FrameRules.EndOfFrames.class,
                close -> assertThat(close.closeWith()).isEqualTo(CloseStatus.NORMAL));
    }

    /** Once the gateway's close is on its way, the client's answers it, and Reactor Netty takes it as before. */
    @Test
    void passesOnACloseThatAnswersTheGateways() {
        connection.writeOutbound(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
        connection.writeInbound(frames(frame(FIN | CLOSE, "\u0003\u00e8")));

        assertThat(messagesRead()).containsExactly("CloseWebSocketFrame \u0003\u00e8");
        connection.checkException();
    }

    @Test
    void releasesWhatItDrops() {
        List<WebSocketFrame> dropped = new ArrayList<>();
        EmbeddedChannel rule = new EmbeddedChannel(rules());
        dropped.add(new TextWebSocketFrame(true, 4, "as if compressed"));
        dropped.add(new TextWebSocketFrame("after"));
        EmbeddedChannel closed = new EmbeddedChannel(rules());
        dropped.add(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
        dropped.add(new TextWebSocketFrame("after the close"));

        Throwable failure = catchThrowable(() -> rule.writeInbound(dropped.get(0)));
        rule.writeInbound(dropped.get(1));
        Throwable close = catchThrowable(() -> closed.writeInbound(dropped.get(2)));
        closed.writeInbound(dropped.get(3));

        assertThat(failure).isInstanceOf(CorruptedWebSocketFrameException.class);
        assertThat(close).isInstanceOf(FrameRules.EndOfFrames.class);
        assertThat(dropped).allSatisfy(frame -> assertThat(frame.refCnt()).as("%s", frame).isZero());
        assertThat(rule.inboundMessages()).isEmpty();
        assertThat(closed.inboundMessages()).isEmpty();
        rule.finishAndReleaseAll();
        closed.finishAndReleaseAll();
    }

    private static void assertFailedWith(Throwable failure, String reason) {
        assertThat(failure).isInstanceOfSatisfying(CorruptedWebSocketFrameException.class,
                        corrupted -> assertThat(corrupted.closeStatus().code()).isEqualTo(1002))
                .hasMessageStartingWith(reason);
    }

    /** Each message read past the rule and the aggregator, as its kind and text. */
    private List<String> messagesRead() {
        List<String> read = new ArrayList<>();
        for (Object message; (message = connection.readInbound()) != null; ) {
            WebSocketFrame frame = (WebSocketFrame) message;
            read.add(frame.getClass().getSimpleName() + " " + frame.content().toString(StandardCharsets.ISO_8859_1));
            frame.release();
        }
        return read;
    }

    private static Object frames(byte[]... frames) {
        return Unpooled.wrappedBuffer(frames);
    }
}
