package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

class Http10FramingTest {

    /** Netty's HTTP/1.1 codec, the handler where the gateway installs it, a stand-in for Reactor Netty's answers. */
    private final EmbeddedChannel connection = new EmbeddedChannel();

    Http10FramingTest() {
        connection.pipeline().addLast(NettyPipeline.HttpCodec, new HttpServerCodec());
        connection.pipeline().addLast(NettyPipeline.HttpTrafficHandler, new ReactorNettyStandIn());
        new Http10Framing().install(connection);
    }

    @AfterEach
    void close() {
        connection.finishAndReleaseAll();
    }

    @Test
    void aStreamedAnswerToAnHttp10RequestIsDelimitedByTheClose() {
        String answer = exchange("GET /stream/s/results HTTP/1.0\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("connection: close\r\n")
                .doesNotContainIgnoringCase("transfer-encoding").endsWith("\r\n\r\ndata:one\n\ndata:two\n\n");
        assertThat(connection.isOpen()).as("connection open after the answer").isFalse();
    }

    @Test
    void anHttp10KeepAliveRequestsStreamedAnswerClosesTheConnectionToo() {
        String answer = exchange("GET /stream/s/results HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");

        assertThat(answer).contains("connection: close\r\n").doesNotContainIgnoringCase("transfer-encoding")
                .endsWith("\r\n\r\ndata:one\n\ndata:two\n\n");
        assertThat(connection.isOpen()).as("connection open after the answer").isFalse();
    }

    @Test
    void aHeadOfAStreamedAnswerInHttp10GetsTheSameHeadAndTheClose() {
        String answer = exchange("HEAD /stream/s/results HTTP/1.0\r\n\r\n");

        assertThat(answer).isEqualTo("HTTP/1.0 200 OK\r\nconnection: close\r\n\r\n");
        assertThat(connection.isOpen()).as("connection open after the answer").isFalse();
    }

    @Test
    void aStreamedAnswerToAnHttp11RequestStaysChunkedOnAnOpenConnection() {
        String answer = exchange("GET /stream/s/results HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(answer).contains("transfer-encoding: chunked\r\n").doesNotContain("connection: close")
                .endsWith("\r\n\r\na\r\ndata:one\n\n\r\na\r\ndata:two\n\n\r\n0\r\n\r\n");
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void aWholeAnswerToAnHttp10KeepAliveRequestKeepsItsLengthAndTheConnection() {
        String answer = exchange("GET /stream/s HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");

        assertThat(answer).isEqualTo("HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\n{}");
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void anHttp11RequestAfterAnHttp10OneOnTheConnectionIsAnsweredChunked() {
        exchange("GET /stream/s HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");

        assertThat(exchange("GET /stream/s/results HTTP/1.1\r\nHost: x\r\n\r\n"))
                .contains("transfer-encoding: chunked\r\n").doesNotContain("connection: close");
        assertThat(connection.isOpen()).isTrue();
    }

    private String exchange(String request) {
        connection.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        connection.runPendingTasks();
        StringBuilder answer = new StringBuilder();
        for (ByteBuf out; (out = connection.readOutbound()) != null; ) {
            answer.append(out.toString(StandardCharsets.ISO_8859_1));
            out.release();
        }
        return answer.toString();
    }

    /**
     * Answers as Reactor Netty (1.3.8) does: a results read streamed, its head {@code HTTP/1.1} and chunked whatever
     * the request's version; a {@code HEAD} of it whole, in the request's version, still saying chunked; any other
     * request whole, in the request's version, with its length.
     */
    private static final class ReactorNettyStandIn extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            try {
                if (message instanceof HttpRequest request && request.method() == HttpMethod.HEAD) {
                    FullHttpResponse head = new DefaultFullHttpResponse(request.protocolVersion(),
                            HttpResponseStatus.OK);
                    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                    ctx.writeAndFlush(head);
                } else if (message instanceof HttpRequest request && request.uri().endsWith("/results")) {
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                    ctx.write(head);
                    ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("data:one\n\n", StandardCharsets.UTF_8)));
                    ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("data:two\n\n", StandardCharsets.UTF_8)));
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                } else if (message instanceof HttpRequest request) {
                    FullHttpResponse whole = new DefaultFullHttpResponse(request.protocolVersion(),
                            HttpResponseStatus.OK, Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8));
                    whole.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
                    ctx.writeAndFlush(whole);
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }
    }
}
