package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

class WholeBodilessRequestsTest {

    /** Netty's HTTP/1.1 codec, this handler where the gateway installs it, and a stand-in for Reactor Netty's. */
    private final EmbeddedChannel connection = new EmbeddedChannel();

    WholeBodilessRequestsTest() {
        connection.pipeline().addLast(NettyPipeline.HttpCodec, new HttpServerCodec());
        connection.pipeline().addLast(NettyPipeline.HttpTrafficHandler, new ChannelInboundHandlerAdapter());
        new WholeBodilessRequests().install(connection);
    }

    @AfterEach
    void close() {
        connection.finishAndReleaseAll();
    }

    @Test
    void aRequestWithoutABodyGoesOnWholeAndItsEmptyEndFollows() {
        receive("GET /stream/s1 HTTP/1.1\r\nHost: localhost\r\nX-API-Key: k\r\n\r\n");

        Object request = connection.readInbound();
        assertThat(request).isExactlyInstanceOf(DefaultFullHttpRequest.class);
        DefaultFullHttpRequest whole = (DefaultFullHttpRequest) request;
        assertThat(whole.uri()).isEqualTo("/stream/s1");
        assertThat(whole.headers().get("X-API-Key")).isEqualTo("k");
        assertThat(whole.content().isReadable()).isFalse();
        assertThat(whole.decoderResult().isSuccess()).isTrue();
        assertEmptyEnd(connection.readInbound());
        assertThat((Object) connection.readInbound()).as("nothing after the end").isNull();
    }

    @Test
    void pipelinedRequestsWithoutBodiesEachGoOnWhole() {
        receive("GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");

        assertThat((Object) connection.readInbound()).isExactlyInstanceOf(DefaultFullHttpRequest.class)
                .extracting(request -> ((HttpRequest) request).uri()).isEqualTo("/a");
        assertEmptyEnd(connection.readInbound());
        assertThat((Object) connection.readInbound()).isExactlyInstanceOf(DefaultFullHttpRequest.class)
                .extracting(request -> ((HttpRequest) request).uri()).isEqualTo("/b");
        assertEmptyEnd(connection.readInbound());
        assertThat((Object) connection.readInbound()).isNull();
    }

    @Test
    void aWebSocketHandshakePassesAsItIs() {
        receive("GET /stream/s1/socket HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");

        assertThat((Object) connection.readInbound()).isInstanceOf(HttpRequest.class)
                .isNotInstanceOf(DefaultFullHttpRequest.class);
        assertEmptyEnd(connection.readInbound());
    }

    @Test
    void aRequestWithABodyPassesAsItIs() {
        receive("POST /stream/s1/send HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 13\r\n\r\n{\"data\":\"hi\"}");

        Object head = connection.readInbound();
        assertThat(head).isInstanceOf(HttpRequest.class).isNotInstanceOf(DefaultFullHttpRequest.class);
        Object body = connection.readInbound();
        assertThat(body).isInstanceOf(LastHttpContent.class);
        assertThat(((HttpContent) body).content().toString(StandardCharsets.UTF_8)).isEqualTo("{\"data\":\"hi\"}");
        ReferenceCountUtil.release(body);
    }

    @Test
    void aChunkedRequestPassesAsItIs() {
        receive("POST /stream/s1/send HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n");

        assertThat((Object) connection.readInbound()).isInstanceOf(HttpRequest.class)
                .isNotInstanceOf(DefaultFullHttpRequest.class);
        Object chunk = connection.readInbound();
        assertThat(((HttpContent) chunk).content().toString(StandardCharsets.UTF_8)).isEqualTo("ab");
        ReferenceCountUtil.release(chunk);
        assertThat((Object) connection.readInbound()).isInstanceOf(LastHttpContent.class);
    }

    @Test
    void aRequestTheDecoderRefusedPassesAsItIs() {
        receive("GET /a HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n");

        Object request = connection.readInbound();
        assertThat(request).isInstanceOf(HttpRequest.class).isNotInstanceOf(DefaultFullHttpRequest.class);
        assertThat(((HttpRequest) request).decoderResult().isFailure()).isTrue();
    }

    @Test
    void overTlsItGoesInOnceTheHandshakeHasChosenHttp11() {
        EmbeddedChannel tls = negotiating();
        try {
            negotiated(tls, true);

            tls.writeInbound(Unpooled.copiedBuffer("GET /s HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
            assertThat((Object) tls.readInbound()).isExactlyInstanceOf(DefaultFullHttpRequest.class);
            assertEmptyEnd(tls.readInbound());
            assertThat(tls.pipeline().names()).as("the pipeline").containsSubsequence(NettyPipeline.HttpCodec,
                    "streamgate.wholeBodilessRequests", NettyPipeline.HttpTrafficHandler)
                    .doesNotContain("streamgate.wholeBodilessRequests.afterNegotiation");
        } finally {
            tls.finishAndReleaseAll();
        }
    }

    @Test
    void overTlsAConnectionThatChoseHttp2IsLeftAsItIs() {
        EmbeddedChannel tls = negotiating();
        try {
            negotiated(tls, false);

            assertThat(tls.pipeline().names()).as("the pipeline").noneMatch(name -> name.startsWith("streamgate."));
        } finally {
            tls.finishAndReleaseAll();
        }
    }

    /** A TLS connection as Reactor Netty sets it up when it offers both protocols by ALPN, before the handshake. */
    private static EmbeddedChannel negotiating() {
        EmbeddedChannel tls = new EmbeddedChannel();
        tls.pipeline().addLast(NettyPipeline.H2OrHttp11Codec, new ChannelInboundHandlerAdapter());
        tls.pipeline().addLast(NettyPipeline.ReactiveBridge, new ChannelInboundHandlerAdapter());
        new WholeBodilessRequests().install(tls);
        return tls;
    }

    /** What Reactor Netty's ALPN handler does when the handshake completes: the protocol's handlers, then the event. */
    private static void negotiated(EmbeddedChannel tls, boolean http11) {
        tls.pipeline().remove(NettyPipeline.H2OrHttp11Codec);
        if (http11) {
            tls.pipeline().addBefore(NettyPipeline.ReactiveBridge, NettyPipeline.HttpCodec, new HttpServerCodec());
            tls.pipeline().addBefore(NettyPipeline.ReactiveBridge, NettyPipeline.HttpTrafficHandler,
                    new ChannelInboundHandlerAdapter());
        }
        tls.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
    }

    private static void assertEmptyEnd(Object message) {
        assertThat(message).as("the decoder's empty end").isInstanceOf(LastHttpContent.class);
        assertThat(((LastHttpContent) message).content().isReadable()).isFalse();
    }

    private void receive(String bytes) {
        ByteBuf in = Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII);
        connection.writeInbound(in);
    }
}
