package io.streamgate.http;

import static io.streamgate.http.ClientFrames.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.streamgate.config.TenantShare;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.socket.CloseStatus;

class FrameBudgetTest {

    private static final int TEXT = 0x1;
    private static final int CONTINUATION = 0x0;
    private static final int PING = 0x9;
    private static final int FIN = 0x80;
    private static final int LARGEST_FRAME = 4096;

    private final BodyBudget budget = new BodyBudget(1000, TenantShare.fixed(1000));
    private final BodyBudget.Holding holding = budget.holding("tenant");
    /** As a socket's pipeline is: the count, the frame decoder, the rules and the aggregator. */
    private final EmbeddedChannel connection = new EmbeddedChannel(
            new FrameBudget(holding, LARGEST_FRAME, Duration.ofSeconds(30)),
            new WebSocket13FrameDecoder(true, true, LARGEST_FRAME), new FrameRules(holding),
            new WebSocketFrameAggregator(LARGEST_FRAME));

    @AfterEach
    void close() {
        connection.finishAndReleaseAll();
    }

    @Test
    void countsADataFrameFromItsHeaderBeforeItsPayloadHasCome() {
        byte[] frame = frame(FIN | TEXT, "x".repeat(600));

        connection.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(frame, 10)));

        assertThat(budget.reserved()).as("counted with 6 of its 600 bytes read").isEqualTo(600);
        assertThat(messagesRead()).isEmpty();
        connection.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(frame, 10, frame.length)));
        assertThat(messagesRead()).containsExactly("x".repeat(600));
        assertThat(budget.reserved()).as("held until its message is answered").isEqualTo(600);
    }

    @Test
    void countsEachFragmentAndNoControlFrameWhateverHowTheBytesAreCut() {
        byte[] frames = bytes(frame(TEXT, "a".repeat(200)), frame(FIN | PING, "p"),
                frame(FIN | CONTINUATION, "b".repeat(300)), frame(FIN | TEXT, "c"));

        for (byte b : frames) {
            connection.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }

        assertThat(messagesRead()).containsExactly("p", "a".repeat(200) + "b".repeat(300), "c");
        assertThat(budget.reserved()).isEqualTo(501);
        connection.checkException();
    }

    @Test
    void endsTheFramesWith1013AtOneTheBudgetHasNoRoomForAndReadsNothingFromIt() {
        Throwable end = catchThrowable(() -> connection.writeInbound(frames(frame(FIN | TEXT, "one"),
                frame(FIN | TEXT, "x".repeat(600)), frame(FIN | TEXT, "y".repeat(600)), frame(FIN | TEXT, "after"))));

        assertThat(messagesRead()).containsExactly("one", "x".repeat(600));
        assertThat(end).isInstanceOfSatisfying(FrameRules.EndOfFrames.class, ended -> assertThat(ended.closeWith())
                .isEqualTo(new CloseStatus(1013, "Frame 3 is past this node's bytes in flight; nothing from it on was"
                        + " stored. Retry shortly.")));
        assertThat(budget.reserved()).as("the frames before it").isEqualTo(603);
        ByteBuf later = Unpooled.wrappedBuffer(frame(FIN | TEXT, "later"));
        connection.writeInbound(later);
        assertThat(later.refCnt()).as("what comes after, let go").isZero();
        assertThat(messagesRead()).isEmpty();
    }

    @Test
    void endsTheFramesWith1013SayingSoAtOneItsTenantsShareHasNoRoomFor() {
        BodyBudget shared = new BodyBudget(1000, TenantShare.fixed(700));
        BodyBudget.Holding tenants = shared.holding("tenant");
        EmbeddedChannel socket = new EmbeddedChannel(new FrameBudget(tenants, LARGEST_FRAME, Duration.ofSeconds(30)),
                new WebSocket13FrameDecoder(true, true, LARGEST_FRAME), new FrameRules(tenants));
        try {
            Throwable end = catchThrowable(() -> socket.writeInbound(frames(frame(FIN | TEXT, "x".repeat(600)),
                    frame(FIN | TEXT, "y".repeat(200)))));

            assertThat(end).isInstanceOfSatisfying(FrameRules.EndOfFrames.class, ended -> assertThat(ended.closeWith())
                    .isEqualTo(new CloseStatus(1013, "Frame 2 is past your share of this node's bytes in flight;"
                            + " nothing from it on was stored. Retry shortly.")));
            assertThat(shared.reserved()).as("the node had room for it").isEqualTo(600);
        } finally {
            socket.finishAndReleaseAll();
        }
    }

    /** A message larger than the whole budget is still read when nothing else is held (ByteBound's rule). */
    @Test
    void takesAFrameLargerThanTheBudgetWhenNothingElseIsHeld() {
        connection.writeInbound(frames(frame(FIN | TEXT, "z".repeat(1500))));

        assertThat(messagesRead()).containsExactly("z".repeat(1500));
        assertThat(budget.reserved()).isEqualTo(1500);
    }

    @Test
    void leavesAFrameOverTheLargestToTheDecoderUncounted() {
        Throwable failure = catchThrowable(() -> connection.writeInbound(frames(frame(FIN | TEXT, "w".repeat(5000)))));

        assertThat(failure).isInstanceOfSatisfying(CorruptedWebSocketFrameException.class,
                tooLong -> assertThat(tooLong.closeStatus().code()).isEqualTo(1009));
        assertThat(budget.reserved()).isZero();
    }

    /** A message that does not come whole within its time ends the frames, as a request's body times out. */
    @Test
    void endsTheFramesWith1008AtAMessageThatDoesNotComeWholeInTime() {
        byte[] frame = frame(FIN | CONTINUATION, "x".repeat(600));
        connection.writeInbound(frames(frame(TEXT, "begun"), Arrays.copyOf(frame, 10)));

        connection.advanceTimeBy(29, TimeUnit.SECONDS);
        connection.runScheduledPendingTasks();
        connection.checkException();
        connection.advanceTimeBy(1, TimeUnit.SECONDS);
        connection.runScheduledPendingTasks();

        assertThat(catchThrowable(connection::checkException)).isInstanceOfSatisfying(FrameRules.EndOfFrames.class,
                ended -> assertThat(ended.closeWith()).isEqualTo(new CloseStatus(1008,
                        "Frame 1 did not come whole within 30 s; nothing from it on was stored")));
        connection.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(frame, 10, frame.length)));
        assertThat(messagesRead()).as("nothing after it").isEmpty();
    }

    /** While the socket's handler reads nothing more (Kafka slow to store the last batch), the client is not late. */
    @Test
    void waitsOutTheDeadlineWhileTheSocketIsNotRead() {
        connection.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(frame(FIN | TEXT, "x".repeat(600)), 10)));
        connection.config().setAutoRead(false);

        connection.advanceTimeBy(45, TimeUnit.SECONDS);
        connection.runScheduledPendingTasks();
        connection.checkException();
        connection.config().setAutoRead(true);
        connection.advanceTimeBy(30, TimeUnit.SECONDS);
        connection.runScheduledPendingTasks();

        assertThat(catchThrowable(connection::checkException)).isInstanceOf(FrameRules.EndOfFrames.class);
    }

    @Test
    void givesAMessageThatCameWholeNoDeadline() {
        byte[] frame = frame(FIN | TEXT, "x".repeat(600));
        connection.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(frame, 10)));
        connection.advanceTimeBy(20, TimeUnit.SECONDS);
        connection.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(frame, 10, frame.length)));

        connection.advanceTimeBy(20, TimeUnit.SECONDS);
        connection.runScheduledPendingTasks();

        connection.checkException();
        assertThat(messagesRead()).containsExactly("x".repeat(600));
    }

    /** Once the socket's handler has finished, frames the budget cannot take are dropped without a word. */
    @Test
    void dropsWhatItCannotCountOnceTheSocketHasClosed() {
        holding.close();

        connection.writeInbound(frames(frame(FIN | TEXT, "after the close")));

        assertThat(messagesRead()).isEmpty();
        connection.checkException();
        assertThat(budget.reserved()).isZero();
    }

    /** Each message read past the pipeline, as its text. */
    private List<String> messagesRead() {
        List<String> read = new ArrayList<>();
        for (Object message; (message = connection.readInbound()) != null; ) {
            WebSocketFrame frame = (WebSocketFrame) message;
            read.add(frame.content().toString(StandardCharsets.ISO_8859_1));
            frame.release();
        }
        return read;
    }

    private static ByteBuf frames(byte[]... frames) {
        return Unpooled.wrappedBuffer(bytes(frames));
    }

    private static byte[] bytes(byte[]... frames) {
        return Arrays.stream(frames).reduce(new byte[0], (all, frame) -> {
            byte[] joined = Arrays.copyOf(all, all.length + frame.length);
            System.arraycopy(frame, 0, joined, all.length, frame.length);
            return joined;
        });
    }
}
