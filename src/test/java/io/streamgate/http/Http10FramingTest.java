package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
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
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

class Http10FramingTest {

    /**
     * Netty's HTTP/1.1 codec, a stand-in for Reactor Netty's HTTP/1.1 handling, the handler where the gateway puts it
     * (after that), and a stand-in for the answers Reactor Netty writes for the application (from the pipeline's end).
     */
    private final EmbeddedChannel connection = new EmbeddedChannel();

    Http10FramingTest() {
        connection.pipeline().addLast(NettyPipeline.HttpCodec, new HttpServerCodec());
        connection.pipeline().addLast(NettyPipeline.HttpTrafficHandler, new ReactorNettyKeepAlive());
        new Http10Framing().install(connection);
        connection.pipeline().addLast(new ReactorNettyAnswers());
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
                .doesNotContain("keep-alive").endsWith("\r\n\r\ndata:one\n\ndata:two\n\n");
        assertThat(connection.isOpen()).as("connection open after the answer").isFalse();
    }

    @Test
    void aHeadOfAStreamedAnswerInHttp10GetsTheSameHeadAndTheClose() {
        String answer = exchange("HEAD /stream/s/results HTTP/1.0\r\n\r\n");

        assertThat(answer).as("an HTTP/1.0 answer without Connection: keep-alive closes")
                .isEqualTo("HTTP/1.0 200 OK\r\n\r\n");
        assertThat(connection.isOpen()).as("connection open after the answer").isFalse();
    }

    @Test
    void aStreamedAnswerToAnHttp11RequestStaysChunkedOnAnOpenConnection() {
        String answer = exchange("GET /stream/s/results HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(answer).contains("transfer-encoding: chunked\r\n").doesNotContain("connection:")
                .endsWith("\r\n\r\na\r\ndata:one\n\n\r\na\r\ndata:two\n\n\r\n0\r\n\r\n");
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void aWholeAnswerToAnHttp10KeepAliveRequestSaysSoAndTheConnectionTakesTheNextRequest() {
        String first = exchange("GET /stream/s HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        String second = exchange("GET /stream/s HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");

        assertThat(List.of(first, second)).as("answers on one connection")
                .containsOnly("HTTP/1.0 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\n{}");
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void aWholeAnswerToAnHttp10RequestThatDidNotAskToBeKeptIsNotMarkedAndTheConnectionCloses() {
        String answer = exchange("GET /stream/s HTTP/1.0\r\n\r\n");

        assertThat(answer).isEqualTo("HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\n{}");
        assertThat(connection.isOpen()).as("connection open after the answer").isFalse();
    }

    @Test
    void aWholeAnswerMarkedToCloseKeepsItsMarkThoughTheHttp10RequestAskedToBeKept() {
        String answer = exchange("GET /refused HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");

        assertThat(answer).isEqualTo("HTTP/1.0 503 Service Unavailable\r\ncontent-length: 2\r\n\r\n{}");
        assertThat(connection.isOpen()).as("connection open after the answer").isFalse();
    }

    @Test
    void anHttp11RequestAfterAnHttp10OneOnTheConnectionIsAnsweredChunked() {
        exchange("GET /stream/s HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");

        assertThat(exchange("GET /stream/s/results HTTP/1.1\r\nHost: x\r\n\r\n"))
                .contains("transfer-encoding: chunked\r\n").doesNotContain("connection:");
        assertThat(connection.isOpen()).isTrue();
    }

    private String exchange(String request) {
        assertThat(connection.isOpen()).as("connection open for %s", request).isTrue();
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
     * Keeps the connection or closes it as Reactor Netty's HttpTrafficHandler (1.3.8) does: it closes after the last
     * content of an answer to a request that did not ask to be kept ({@link HttpUtil#isKeepAlive}: HTTP/1.0 needs
     * {@code Connection: keep-alive}), or of an answer that is not marked to be kept or has no length of its own;
     * such an answer's head it marks as one that closes, as its version says it ({@link HttpUtil#setKeepAlive}).
     */
    private static final class ReactorNettyKeepAlive extends ChannelDuplexHandler {

        private boolean persistent = true;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof HttpRequest request) {
                persistent = HttpUtil.isKeepAlive(request);
            }
            ctx.fireChannelRead(message);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
            if (message instanceof HttpResponse head) {
                if (!HttpUtil.isKeepAlive(head)
                        || !HttpUtil.isContentLengthSet(head) && !HttpUtil.isTransferEncodingChunked(head)) {
                    persistent = false;
                }
                if (!persistent) {
                    HttpUtil.setKeepAlive(head, false); // HTTP/1.1: Connection: close; HTTP/1.0: no Connection
                }
            }
            if (message instanceof LastHttpContent && !persistent) {
                ctx.write(message, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.write(message, promise);
        }
    }

    /**
     * Answers as Reactor Netty (1.3.8) does, from the pipeline's end: a results read streamed, its head
     * {@code HTTP/1.1} and chunked whatever the request's version; a {@code HEAD} of it whole, in the request's
     * version, still saying chunked; any other request whole, in the request's version, with its length (a refusal
     * marked {@code Connection: close}).
     */
    private static final class ReactorNettyAnswers extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            try {
                if (message instanceof HttpRequest request) {
                    answer(ctx.channel(), request);
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }

        private static void answer(Channel channel, HttpRequest request) {
            if (request.method() == HttpMethod.HEAD) {
                FullHttpResponse head = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK);
                head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                channel.writeAndFlush(head);
            } else if (request.uri().endsWith("/results")) {
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                channel.write(head);
                channel.write(new DefaultHttpContent(Unpooled.copiedBuffer("data:one\n\n", StandardCharsets.UTF_8)));
                channel.write(new DefaultHttpContent(Unpooled.copiedBuffer("data:two\n\n", StandardCharsets.UTF_8)));
                channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            } else {
                boolean refused = request.uri().equals("/refused");
                FullHttpResponse whole = new DefaultFullHttpResponse(request.protocolVersion(),
                        refused ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK,
                        Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8));
                whole.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
                if (refused) {
                    whole.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                }
                channel.writeAndFlush(whole);
            }
        }
    }
}
