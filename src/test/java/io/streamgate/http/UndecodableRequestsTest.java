package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.streamgate.metrics.StreamMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;
import tools.jackson.databind.json.JsonMapper;

class UndecodableRequestsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** Netty's HTTP/1.1 codec (its limits small), the handler where the gateway installs it, Reactor Netty's stand-in. */
    private final EmbeddedChannel connection = new EmbeddedChannel();

    UndecodableRequestsTest() {
        connection.pipeline().addLast(NettyPipeline.HttpCodec, new HttpServerCodec(256, 512, 8192));
        connection.pipeline().addLast(NettyPipeline.HttpTrafficHandler, new ReactorNettyStandIn());
        new UndecodableRequests(JsonMapper.builder().build(), new StreamMetrics(meters, () -> 0)).install(connection);
    }

    @AfterEach
    void close() {
        connection.finishAndReleaseAll();
    }

    @Test
    void aHeaderNameWithASpaceGetsAProblemSayingSo() {
        String answer = exchange("GET /stream/s HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n")
                .contains("content-type: application/problem+json", "connection: close", "X-Content-Type-Options: nosniff")
                .contains("\"type\":\"/problems/invalid-request\"", "\"status\":400",
                        "\"detail\":\"The request is not valid HTTP: a header name can only contain")
                .doesNotContain("\"limit\"");
        assertThat(refusals("400", "invalid-request")).isEqualTo(1);
    }

    @Test
    void contentLengthBesideTransferEncodingGetsAProblem() {
        String answer = exchange("POST /stream/s/send HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400 ").contains("The request is not valid HTTP: Content-Length");
    }

    @Test
    void aTooLongRequestLineIsA414ProblemCountedUnderItsLimit() {
        String answer = exchange("GET /" + "a".repeat(300) + " HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 414 ")
                .contains("\"type\":\"/problems/uri-too-long\"", "\"title\":\"URI Too Long\"",
                        "\"detail\":\"The request line is too long: An HTTP line is larger than 256 bytes.\"",
                        "\"limit\":\"max-initial-line-length\"");
        assertThat(rejections("max-initial-line-length")).isEqualTo(1);
        assertThat(refusals("414", "uri-too-long")).isEqualTo(1);
    }

    @Test
    void headersOverNettysCapAreA431ProblemCountedUnderItsLimit() {
        String answer = exchange("GET /s HTTP/1.1\r\nHost: x\r\nX-Junk: " + "j".repeat(600) + "\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n")
                .contains("\"type\":\"/problems/request-header-fields-too-large\"",
                        "\"detail\":\"The request headers are too large: HTTP header is larger than 512 bytes.\"",
                        "\"limit\":\"max-http-request-header-size\"");
        assertThat(rejections("max-http-request-header-size")).isEqualTo(1);
    }

    @Test
    void aTextualHttp2RequestLineGetsAProblemSayingHowToSpeakHttp2() {
        String answer = exchange("GET /s HTTP/2.0\r\nHost: x\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400 ").contains("HTTP/2 is not written as a text request line");
    }

    @Test
    void aVersionThisServerDoesNotSpeakIsRefusedWith505() {
        String http3 = exchange("GET /s HTTP/3.0\r\nHost: x\r\n\r\n");

        assertThat(http3).startsWith("HTTP/1.1 505 ")
                .contains("\"type\":\"/problems/http-version-not-supported\"", "\"status\":505",
                        "\"detail\":\"The request's HTTP version is not supported: HTTP/3.0 is not served here;");
        assertThat(refusals("505", "http-version-not-supported")).isEqualTo(1);
    }

    @Test
    void aLaterHttp1MinorVersionIsServedAndAnsweredAsHttp11() {
        String answer = exchange("GET /s HTTP/1.2\r\nHost: x\r\n\r\n");

        assertThat(answer).isEqualTo("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
        assertThat(meters.find("streamgate.http.refusals").counters()).isEmpty();
    }

    @Test
    void http09AsTextIsRefusedWith505Too() {
        assertThat(exchange("GET /s HTTP/0.9\r\n\r\n")).startsWith("HTTP/1.1 505 ").contains("HTTP/0.9 is not served");
    }

    @Test
    void aTransferCodingBeforeChunkedIsRefusedWith501NamingIt() {
        String answer = exchange("POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 501 Not Implemented\r\n")
                .contains("connection: close", "\"type\":\"/problems/not-implemented\"", "\"status\":501",
                        "\"detail\":\"The request's transfer coding is not implemented: Transfer-Encoding names 'gzip';"
                                + " send the body as it is, chunked or with a Content-Length\"");
        assertThat(refusals("501", "not-implemented")).isEqualTo(1);
    }

    @Test
    void aTransferCodingOnAHeaderLineOfItsOwnIsRefusedToo() {
        String answer = exchange("POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Deflate\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 501 ").contains("Transfer-Encoding names 'Deflate';");
    }

    @Test
    void chunkedAloneInAnyCaseAndWithEmptyListElementsIsServed() {
        assertThat(UndecodableRequests.codingOtherThanChunked(headers("chunked"))).isNull();
        assertThat(UndecodableRequests.codingOtherThanChunked(headers("Chunked"))).isNull();
        assertThat(UndecodableRequests.codingOtherThanChunked(headers(", CHUNKED,"))).isNull();
        assertThat(UndecodableRequests.codingOtherThanChunked(new DefaultHttpHeaders())).isNull();
        assertThat(UndecodableRequests.codingOtherThanChunked(headers("identity , chunked"))).isEqualTo("identity");
        assertThat(exchange("POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: , Chunked\r\n\r\n0\r\n\r\n"))
                .isEqualTo("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
        assertThat(meters.find("streamgate.http.refusals").counters()).isEmpty();
    }

    private static HttpHeaders headers(String transferEncoding) {
        return new DefaultHttpHeaders().add(HttpHeaderNames.TRANSFER_ENCODING, transferEncoding);
    }

    @Test
    void answersToRequestsNettyDecodedPassAsTheyAre() {
        String answer = exchange("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(answer).isEqualTo("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
        assertThat(meters.find("streamgate.limit.rejections").counters()).isEmpty();
        assertThat(meters.find("streamgate.http.refusals").counters()).isEmpty();
    }

    private String exchange(String request) {
        connection.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        StringBuilder answer = new StringBuilder();
        for (ByteBuf out; (out = connection.readOutbound()) != null; ) {
            answer.append(out.toString(StandardCharsets.ISO_8859_1));
            out.release();
        }
        return answer.toString();
    }

    private double refusals(String status, String type) {
        return meters.counter("streamgate.http.refusals", "status", status, "type", type).count();
    }

    private double rejections(String limit) {
        return meters.counter("streamgate.limit.rejections", "limit", limit).count();
    }

    /**
     * What Reactor Netty's HTTP handling answers (its HttpTrafficHandler and HttpServerOperations, 1.3.8): a request it
     * cannot decode, or an HTTP/2.0 request line, gets an empty 400, 414 or 431 by the decoder's cause and
     * {@code Connection: close}; this stand-in answers every other request with an empty 404, in the request's version
     * as Reactor Netty does.
     */
    private static final class ReactorNettyStandIn extends ChannelInboundHandlerAdapter {

        private boolean answered;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            try {
                if (answered || !(message instanceof HttpObject)) {
                    return;
                }
                if (message instanceof DecoderResultProvider decoded && decoded.decoderResult().isFailure()) {
                    Throwable cause = decoded.decoderResult().cause();
                    HttpResponseStatus status = cause instanceof TooLongHttpLineException
                            ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                            : cause instanceof TooLongHttpHeaderException
                            ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
                    answer(ctx, HttpVersion.HTTP_1_1, status, true);
                } else if (message instanceof HttpRequest request) {
                    boolean http2 = request.protocolVersion().majorVersion() == 2;
                    answer(ctx, http2 ? HttpVersion.HTTP_1_1 : request.protocolVersion(),
                            http2 ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.NOT_FOUND, http2);
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }

        private void answer(ChannelHandlerContext ctx, HttpVersion version, HttpResponseStatus status, boolean close) {
            answered = true;
            FullHttpResponse response = new DefaultFullHttpResponse(version, status);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            if (close) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            ctx.writeAndFlush(response);
        }
    }
}
