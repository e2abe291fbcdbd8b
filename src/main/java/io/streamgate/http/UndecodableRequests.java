package io.streamgate.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.streamgate.metrics.StreamMetrics;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request Netty's HTTP/1.1 decoder cannot read gets a problem saying what is wrong with it, like any other bad
 * request: a header name with a space, a header line without a colon, {@code Content-Length} twice or beside
 * {@code Transfer-Encoding}, a chunk size that is not hexadecimal, a version that is not one or HTTP/2.0 as text, a
 * request line over {@code server.netty.max-initial-line-length} ({@code 414}) or headers over
 * {@code server.max-http-request-header-size}, Netty's hard cap ({@code 431}); the last two are counted as limits. A
 * request of an HTTP version this server does not speak (HTTP/0.9, HTTP/3.0 as text) gets {@code 505}, where Reactor
 * Netty served it as HTTP/1.1 and echoed its version in the answer; one of a later HTTP/1 minor version (HTTP/1.2)
 * is served as HTTP/1.1, and answered so. A request whose {@code Transfer-Encoding} names a coding before
 * {@code chunked} (gzip and the like) gets {@code 501}, as RFC 9112 (6.1) asks of a coding the server does not
 * understand: Netty's decoder checks only that {@code chunked} is last and reads the body as if it were all, so a
 * gzipped body was parsed as its compressed bytes, and a mislabelled one stored. Each problem is counted in
 * {@code streamgate.http.refusals}: Reactor Netty logs these requests at WARN, one entry each, which the gateway's
 * logging configuration turns off.
 *
 * <p>Reactor Netty answers a request it cannot decode itself, in turn behind pipelined requests before it, with an
 * empty {@code 400} ({@code 414}, {@code 431}) and {@code Connection: close}. This handler leaves that as it is and
 * gives the answer its body on the way out: it notes the failure as the request comes in (on the connection, which
 * reads nothing more after it), and when an answer of that shape goes out on a connection with a failure noted, it
 * writes the problem in its place, with the security headers every other answer has. A version it does not speak is
 * marked as a decoding failure, so Reactor Netty refuses it the same way. Requests Netty decodes pass through after
 * a type check, a look at their version and at whether they have {@code Transfer-Encoding}, and a field or two on
 * the way out; nothing is allocated for them.
 */
@ChannelHandler.Sharable
final class UndecodableRequests extends ChannelDuplexHandler {

    /** Why this connection's request could not be read; set once, on failure only. */
    private static final AttributeKey<Failure> FAILURE = AttributeKey.valueOf("streamgate.undecodableRequest");
    /** Netty's messages name the part of the request at fault; a header's name or a line may be long. */
    private static final int MAX_CAUSE_LENGTH = 200;

    private final NextToHttp11Handling placement = NextToHttp11Handling.before("streamgate.undecodableRequests", this);
    private final JsonMapper json;
    private final StreamMetrics metrics;

    UndecodableRequests(JsonMapper json, StreamMetrics metrics) {
        this.json = json;
        this.metrics = metrics;
    }

    /** On a new connection: now if it speaks HTTP/1.1, or once TLS has chosen HTTP/1.1 by ALPN. */
    void install(Channel connection) {
        placement.install(connection);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof DecoderResultProvider decoded && decoded.decoderResult().isFailure()) {
            Throwable cause = decoded.decoderResult().cause();
            cause = cause.getCause() != null ? cause.getCause() : cause; // the one Reactor Netty picks its status by
            note(ctx, Refusal.of(cause), String.valueOf(cause.getMessage()));
        } else if (message instanceof HttpRequest request) {
            read(ctx, request, request.protocolVersion());
        }
        ctx.fireChannelRead(message);
    }

    /**
     * A request Netty decoded, by its version: HTTP/1.0 and 1.1 as they are, any other refused or read as 1.1; and
     * by its transfer codings, refused if it names one other than {@code chunked}.
     */
    private static void read(ChannelHandlerContext ctx, HttpRequest request, HttpVersion version) {
        if (version.majorVersion() == 1) {
            if (version.minorVersion() > 1) {
                // RFC 9110 (2.5): a later minor version is read as the highest this server speaks, and answered in
                // it; Reactor Netty answers in the request's version, so an HTTP/1.2 request got an HTTP/1.2 answer.
                request.setProtocolVersion(HttpVersion.HTTP_1_1);
            }
            String coding = codingOtherThanChunked(request.headers());
            if (coding != null) {
                refuse(ctx, request, Refusal.TRANSFER_CODING_NOT_IMPLEMENTED, "Transfer-Encoding names '" + coding
                        + "'; send the body as it is, chunked or with a Content-Length");
            }
        } else if (version.majorVersion() == 2) { // decoded, and refused by Reactor Netty
            note(ctx, Refusal.NOT_HTTP, "HTTP/2 is not written as a text request line; send HTTP/1.1, or HTTP/2 by"
                    + " prior knowledge or an h2c upgrade");
        } else {
            refuse(ctx, request, Refusal.VERSION_NOT_SUPPORTED,
                    version.text() + " is not served here; send HTTP/1.1 or HTTP/1.0, or HTTP/2");
        }
    }

    /**
     * The first transfer coding a request names other than {@code chunked}, or null: Netty's decoder has already
     * refused a list whose last coding is not {@code chunked}, or names it twice, or gives it parameters. A request
     * without the header costs one lookup.
     */
    static String codingOtherThanChunked(HttpHeaders headers) {
        if (!headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return null;
        }
        return CodingLists.firstOtherThan(headers.getAll(HttpHeaderNames.TRANSFER_ENCODING),
                HttpHeaderValues.CHUNKED.toString());
    }

    /** Marks a decoded request as failed, so that Reactor Netty refuses it as one it could not decode. */
    private static void refuse(ChannelHandlerContext ctx, HttpRequest request, Refusal refusal, String detail) {
        note(ctx, refusal, detail);
        request.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(detail)));
    }

    private static void note(ChannelHandlerContext ctx, Refusal refusal, String cause) {
        String detail = cause.length() > MAX_CAUSE_LENGTH ? cause.substring(0, MAX_CAUSE_LENGTH) + "..." : cause;
        ctx.channel().attr(FAILURE).setIfAbsent(new Failure(refusal, refusal.what + ": " + detail));
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        // hasAttr, not attr: attr would add the attribute to every connection it looks at.
        if (message instanceof FullHttpResponse response && ctx.channel().hasAttr(FAILURE)) {
            Failure failure = ctx.channel().attr(FAILURE).get();
            if (failure != null && failure.answers(response)) {
                ctx.channel().attr(FAILURE).set(null);
                response.release();
                ctx.write(problem(failure, ctx.pipeline().get(SslHandler.class) != null), promise);
                return;
            }
        }
        ctx.write(message, promise);
    }

    private FullHttpResponse problem(Failure failure, boolean secure) {
        Refusal refusal = failure.refusal();
        ProblemBody body = refusal.type.body(failure.detail(), null);
        metrics.refusedBeforeWebFlux(refusal.type.status.value(), refusal.type.slug());
        if (refusal.limit != null) {
            metrics.limitRejected(refusal.limit);
            body = body.withLimit(refusal.limit);
        }
        FullHttpResponse problem = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(refusal.type.status.value()),
                Unpooled.wrappedBuffer(json.writeValueAsBytes(body)));
        problem.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, problem.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        RouteProblems.writeSecurityHeaders(problem.headers(), secure);
        return problem;
    }

    /** A request's failure, noted on its connection until Reactor Netty's answer to it goes out. */
    private record Failure(Refusal refusal, String detail) {

        /** Whether this is Reactor Netty's answer to it: its status, no body, and the connection closes. */
        boolean answers(FullHttpResponse response) {
            return response.status().code() == refusal.answeredWith
                    && !response.content().isReadable()
                    && !response.headers().contains(HttpHeaderNames.CONTENT_TYPE)
                    && response.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
        }
    }

    /** The ways a request is refused before Spring sees it, each with the status Reactor Netty answers it with. */
    private enum Refusal {
        NOT_HTTP(ProblemType.INVALID_REQUEST, 400, "The request is not valid HTTP", null),
        LINE_TOO_LONG(ProblemType.REQUEST_LINE_TOO_LONG, 414, "The request line is too long",
                "max-initial-line-length"),
        HEADERS_TOO_LARGE(ProblemType.HEADERS_TOO_LARGE, 431, "The request headers are too large",
                "max-http-request-header-size"),
        TRANSFER_CODING_NOT_IMPLEMENTED(ProblemType.NOT_IMPLEMENTED, 400,
                "The request's transfer coding is not implemented", null),
        VERSION_NOT_SUPPORTED(ProblemType.VERSION_NOT_SUPPORTED, 400, "The request's HTTP version is not supported",
                null);

        final ProblemType type;
        /** Reactor Netty's status for it, which the problem's replaces (HttpServerOperations.sendDecodingFailures). */
        final int answeredWith;
        final String what;
        /** The property that sets the limit, as every limit's problem and counter name it; null for no limit. */
        final String limit;

        Refusal(ProblemType type, int answeredWith, String what, String limit) {
            this.type = type;
            this.answeredWith = answeredWith;
            this.what = what;
            this.limit = limit;
        }

        /** The refusal of a request the decoder failed on, by its cause, as Reactor Netty picks its status. */
        static Refusal of(Throwable cause) {
            if (cause instanceof TooLongHttpLineException) {
                return LINE_TOO_LONG;
            }
            return cause instanceof TooLongHttpHeaderException ? HEADERS_TOO_LARGE : NOT_HTTP;
        }
    }
}
