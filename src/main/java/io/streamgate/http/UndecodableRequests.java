package io.streamgate.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.security.SecurityHeaders;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.support.Netty4HeadersAdapter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request Netty's HTTP/1.1 decoder cannot read gets a problem saying what is wrong with it, like any other bad
 * request: a header name with a space, a header line without a colon, {@code Content-Length} twice or beside
 * {@code Transfer-Encoding}, a chunk size that is not hexadecimal, a version that is not one, a request line over
 * {@code server.netty.max-initial-line-length} ({@code 414}) or headers over
 * {@code server.max-http-request-header-size}, Netty's hard cap ({@code 431}); the last two are counted as limits.
 *
 * <p>Reactor Netty answers such a request itself, in turn behind pipelined requests before it, with an empty
 * {@code 400} ({@code 414}, {@code 431}) and {@code Connection: close}. This handler leaves that as it is and gives the
 * answer its body on the way out: it notes the decoder's failure as the request comes in (on the connection, which
 * reads nothing more after it), and when an answer of that shape goes out on a connection with a failure noted, it
 * writes the problem in its place, with the security headers every other answer has. Requests Netty decodes pass
 * through with one type check each way.
 */
@ChannelHandler.Sharable
final class UndecodableRequests extends ChannelDuplexHandler {

    /** Why this connection's request could not be read, as its problem's detail says it; set once, on failure only. */
    private static final AttributeKey<String> FAILURE = AttributeKey.valueOf("streamgate.undecodableRequest");
    /** Netty's messages name the part of the request at fault; a header's name or a line may be long. */
    private static final int MAX_CAUSE_LENGTH = 200;

    private final BeforeHttp11Handling placement = new BeforeHttp11Handling("streamgate.undecodableRequests", this);
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
            ctx.channel().attr(FAILURE).setIfAbsent(failure(decoded.decoderResult().cause()));
        } else if (message instanceof HttpRequest request && request.protocolVersion().majorVersion() == 2) {
            // Decoded, but Reactor Netty refuses it: HTTP/2 is never sent as a text request line.
            ctx.channel().attr(FAILURE).setIfAbsent(Refusal.NOT_HTTP.what + ": HTTP/2 is not written as a text request"
                    + " line; send HTTP/1.1, or HTTP/2 by prior knowledge or an h2c upgrade");
        }
        ctx.fireChannelRead(message);
    }

    /** What was wrong, in the terms of the status Reactor Netty answers it with (it looks at the same cause). */
    private static String failure(Throwable error) {
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        String message = String.valueOf(cause.getMessage());
        if (message.length() > MAX_CAUSE_LENGTH) {
            message = message.substring(0, MAX_CAUSE_LENGTH) + "...";
        }
        return Refusal.of(cause).what + ": " + message;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        if (message instanceof FullHttpResponse response && isReactorNettysRefusal(response)) {
            String failure = ctx.channel().attr(FAILURE).getAndSet(null);
            if (failure != null) {
                response.release();
                ctx.write(problem(response.status(), failure, ctx.pipeline().get(SslHandler.class) != null), promise);
                return;
            }
        }
        ctx.write(message, promise);
    }

    /** The shape of Reactor Netty's answer to a request it could not decode: no body, and the connection closes. */
    private static boolean isReactorNettysRefusal(FullHttpResponse response) {
        int status = response.status().code();
        return (status == 400 || status == 414 || status == 431)
                && !response.content().isReadable()
                && !response.headers().contains(HttpHeaderNames.CONTENT_TYPE)
                && response.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
    }

    private FullHttpResponse problem(HttpResponseStatus status, String detail, boolean secure) {
        Refusal refusal = Refusal.of(status);
        ProblemBody body = refusal == Refusal.NOT_HTTP ? ProblemType.INVALID_REQUEST.body(detail, null)
                : ProblemBody.ofStatus(HttpStatusCode.valueOf(status.code()), detail, null).withLimit(refusal.limit);
        if (refusal.limit != null) {
            metrics.limitRejected(refusal.limit);
        }
        FullHttpResponse problem = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(json.writeValueAsBytes(body)));
        problem.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, problem.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        SecurityHeaders.writeTo(new HttpHeaders(new Netty4HeadersAdapter(problem.headers())), secure);
        return problem;
    }

    /**
     * The three answers Reactor Netty gives a request it cannot decode: it picks the status by the decoder's cause,
     * and so does this.
     */
    private enum Refusal {
        LINE_TOO_LONG("The request line is too long", "max-initial-line-length"),
        HEADERS_TOO_LARGE("The request headers are too large", "max-http-request-header-size"),
        NOT_HTTP("The request is not valid HTTP/1.1", null);

        final String what;
        /** The property that sets the limit, as every limit's problem and counter name it; null for no limit. */
        final String limit;

        Refusal(String what, String limit) {
            this.what = what;
            this.limit = limit;
        }

        static Refusal of(Throwable cause) {
            if (cause instanceof TooLongHttpLineException) {
                return LINE_TOO_LONG;
            }
            return cause instanceof TooLongHttpHeaderException ? HEADERS_TOO_LARGE : NOT_HTTP;
        }

        static Refusal of(HttpResponseStatus status) {
            return switch (status.code()) {
                case 414 -> LINE_TOO_LONG;
                case 431 -> HEADERS_TOO_LARGE;
                default -> NOT_HTTP;
            };
        }
    }
}
