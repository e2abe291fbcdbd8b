package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

class IdleConnectionsTest {

    /** The grace's clock, in nanoseconds: moved on by hand. */
    private long now;
    private final IdleConnections idle = new IdleConnections(() -> now);
    private final List<EmbeddedChannel> connections = new ArrayList<>();

    @AfterEach
    void close() {
        connections.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Test
    void shouldTakeTheConnectionThatHasWaitedLongestForItsNextRequest() {
        Connection first = open().exchange();
        Connection second = open().exchange();

        assertThat(idle.closeLongestWaiting()).isTrue();
        assertThat(first.isOpen()).as("the first kept alive").isFalse();
        assertThat(second.isOpen()).isTrue();
        assertThat(idle.closeLongestWaiting()).isTrue();
        assertThat(second.isOpen()).isFalse();
        assertThat(idle.closeLongestWaiting()).as("none left waiting").isFalse();
    }

    @Test
    void shouldGiveAConnectionThatHadARequestSinceItBeganWaitingASecondChance() {
        Connection first = open().exchange();
        Connection second = open().exchange();
        first.exchange();

        assertThat(idle.closeLongestWaiting()).isTrue();
        assertThat(second.isOpen()).as("the one that waited longest").isFalse();
        assertThat(first.isOpen()).isTrue();
    }

    @Test
    void shouldTakeAConnectionSilentSinceItWasLetInOnlyPastItsGraceAndBeforeOneKeptAlive() {
        Connection silent = open();
        Connection trickling = open().arrive("GET / HTTP/1.1\r\nHost: x\r\n"); // a head's first lines, no end
        now += IdleConnections.FIRST_REQUEST_GRACE.toNanos() - 1;
        Connection keptAlive = open().exchange();
        Connection newest = open();

        assertThat(idle.closeLongestWaiting()).as("the kept-alive one, the silent ones within their grace").isTrue();
        assertThat(List.of(silent.isOpen(), trickling.isOpen(), keptAlive.isOpen(), newest.isOpen()))
                .containsExactly(true, true, false, true);
        now++;
        Connection keptAliveToo = open().exchange();
        assertThat(idle.closeLongestWaiting()).isTrue();
        assertThat(List.of(silent.isOpen(), keptAliveToo.isOpen())).as("the one silent longest, before one kept alive")
                .containsExactly(false, true);
        assertThat(idle.closeLongestWaiting()).isTrue();
        assertThat(trickling.isOpen()).as("a head that never ends").isFalse();
        assertThat(idle.closeLongestWaiting()).isTrue();
        assertThat(keptAliveToo.isOpen()).isFalse();
        assertThat(idle.closeLongestWaiting()).as("the newest within its grace").isFalse();
        assertThat(newest.isOpen()).isTrue();
    }

    @Test
    void shouldNotTakeAConnectionWhileItIsAnsweringItsFirstRequestOrAnother() {
        Connection first = open().request();
        Connection answering = open().exchange().request();
        answering.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK)); // an SSE read's head
        now += IdleConnections.FIRST_REQUEST_GRACE.toNanos();

        assertThat(idle.closeLongestWaiting()).isFalse();
        assertThat(List.of(first.isOpen(), answering.isOpen())).containsOnly(true);
        answering.write(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(idle.closeLongestWaiting()).as("once its answer has ended").isTrue();
        assertThat(answering.isOpen()).isFalse();
    }

    @Test
    void shouldWaitForTheAnswerAfterA100ContinueAndForEveryPipelinedRequest() {
        Connection connection = open().exchange().request().request();
        connection.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        connection.answer();
        assertThat(idle.closeLongestWaiting()).as("after a 100 Continue and one of two answers").isFalse();

        connection.answer();
        assertThat(idle.closeLongestWaiting()).isTrue();
    }

    @Test
    void shouldNeverTakeAConnectionSwitchedToAnotherProtocol() {
        Connection socket = open().exchange().request();
        socket.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS));

        assertThat(idle.closeLongestWaiting()).isFalse();
        assertThat(socket.isOpen()).isTrue();
    }

    @Test
    void shouldDropARequestThatArrivesOnAConnectionAlreadyTaken() {
        Connection connection = open().exchange();
        connection.channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
                // as if the close were still on its way to the connection's event loop
            }
        });
        assertThat(idle.closeLongestWaiting()).isTrue();

        connection.arrived.clear();
        connection.channel.writeInbound(Unpooled.copiedBuffer(
                "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi", StandardCharsets.US_ASCII));
        assertThat(connection.arrived).as("what was passed on").isEmpty();
    }

    @Test
    void shouldSweepOutDeadPlacesSoThatTheQueuesStayBounded() {
        Connection kept = open().exchange();
        for (int i = 0; i < 1_000; i++) {
            open().channel.close();
        }
        assertThat(idle.places()).as("places after silent connections closed").isLessThanOrEqualTo(10);
        for (int i = 0; i < 1_000; i++) {
            open().exchange().channel.close();
        }
        assertThat(idle.places()).as("places after kept-alive connections closed").isLessThanOrEqualTo(10);
        for (int i = 0; i < 1_000; i++) {
            open().exchange();
        }
        assertThat(idle.places()).as("places with 1,001 kept alive").isLessThanOrEqualTo(1_010);

        assertThat(idle.closeLongestWaiting()).isTrue();
        assertThat(kept.isOpen()).isFalse();
    }

    @Test
    void shouldTakeAnHttp2ConnectionOnlyOnceEveryStreamItOpenedIsClosed() {
        EmbeddedChannel connection = http2Connection();
        EmbeddedChannel first = stream(connection);
        EmbeddedChannel second = stream(connection);

        first.close();
        assertThat(idle.closeLongestWaiting()).as("with a stream still open").isFalse();
        second.close();
        assertThat(idle.closeLongestWaiting()).isTrue();
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void shouldCloseAStreamOpenedOnAnHttp2ConnectionAlreadyTaken() {
        EmbeddedChannel connection = http2Connection();
        stream(connection).close();
        connection.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
                // as if the close (and its GOAWAY) were still on its way to the connection's event loop
            }
        });
        assertThat(idle.closeLongestWaiting()).isTrue();

        assertThat(stream(connection).isOpen()).as("a stream opened meanwhile").isFalse();
    }

    /** A connection that speaks HTTP/2: its streams are channels of its own, as Netty's multiplexing makes them. */
    private EmbeddedChannel http2Connection() {
        EmbeddedChannel connection = new EmbeddedChannel();
        connections.add(connection);
        idle.admitted(connection);
        return connection;
    }

    private EmbeddedChannel stream(EmbeddedChannel connection) {
        EmbeddedChannel stream = new EmbeddedChannel(connection, DefaultChannelId.newInstance(), true, false);
        idle.streamOpened(stream);
        return stream;
    }

    private Connection open() {
        Connection connection = new Connection();
        connections.add(connection.channel);
        return connection;
    }

    /**
     * A connection with Netty's HTTP/1.1 codec, a stand-in for Reactor Netty's HTTP/1.1 handling (that keeps what
     * is passed on), and the handler where the gateway puts it; answers are written from the pipeline's end.
     */
    private final class Connection {

        final EmbeddedChannel channel = new EmbeddedChannel();
        /** The kinds of what was passed on to the HTTP/1.1 handling. */
        final List<String> arrived = new ArrayList<>();

        Connection() {
            channel.pipeline().addLast(NettyPipeline.HttpCodec, new HttpServerCodec());
            channel.pipeline().addLast(NettyPipeline.HttpTrafficHandler, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object message) {
                    arrived.add(message.getClass().getSimpleName());
                    ReferenceCountUtil.release(message);
                }
            });
            idle.install(channel);
            idle.admitted(channel);
        }

        Connection request() {
            return arrive("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        }

        Connection arrive(String bytes) {
            channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
            return this;
        }

        Connection answer() {
            DefaultFullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            answer.headers().set("content-length", 0);
            return write(answer);
        }

        Connection exchange() {
            return request().answer();
        }

        Connection write(Object message) {
            channel.writeOutbound(message);
            for (Object out; (out = channel.readOutbound()) != null; ) {
                ReferenceCountUtil.release(out);
            }
            return this;
        }

        boolean isOpen() {
            return channel.isOpen();
        }
    }
}
