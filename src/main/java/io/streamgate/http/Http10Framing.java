package io.streamgate.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;

/**
 * Frames the answers to HTTP/1.0 requests as HTTP/1.0 clients read them: Reactor Netty (1.3.8) streams every answer
 * without a length chunked, whatever the request's version, and never says {@code Connection: keep-alive}, which an
 * HTTP/1.0 connection needs in an answer to stay open (RFC 9112, section 9.3); so it closed every HTTP/1.0 connection
 * after one answer, the ones that asked to be kept alive ({@code ab -k}) included.
 *
 * <p>For a request in HTTP/1.0 this handler takes {@code Transfer-Encoding: chunked} off a streamed answer's head (an
 * event stream, or a {@code HEAD} of one), so that Netty's encoder writes its content as it is (RFC 9112, section 6.1,
 * forbids chunked coding in an answer to a request that does not indicate HTTP/1.1, whose client would read the chunk
 * sizes as part of the body), and marks the answer {@code Connection: close}, since the close is where its body ends.
 * A whole answer, with its length, is marked {@code Connection: keep-alive} when the request asked for it, unless
 * it is marked already (a refusal that closes the connection). Reactor Netty's HTTP/1.1 handling, after which this
 * handler sits (NextToHttp11Handling), reads the mark to keep the connection or close it after the answer's last
 * content. Requests in HTTP/1.1 pass after a type check and a field each way; nothing is allocated for them.
 */
@ChannelHandler.Sharable
final class Http10Framing extends ChannelDuplexHandler {

    /** Set only once an HTTP/1.0 request has come: that the request being answered is one, and how it asked. */
    private static final AttributeKey<Http10Request> REQUEST = AttributeKey.valueOf("streamgate.http10Framing");

    private enum Http10Request {
        /** It did not ask for the connection to be kept (HTTP/1.0's default): it closes after the answer. */
        CLOSE_AFTER_ANSWER,
        /** It sent {@code Connection: keep-alive}: a whole answer keeps the connection if it says so. */
        KEEP_ALIVE
    }

    private final NextToHttp11Handling placement = NextToHttp11Handling.after("streamgate.http10Framing", this);

    /** On a new connection: now if it speaks HTTP/1.1, or once TLS has chosen HTTP/1.1 by ALPN. */
    void install(Channel connection) {
        placement.install(connection);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof HttpRequest request) {
            if (request.protocolVersion() == HttpVersion.HTTP_1_0) {
                ctx.channel().attr(REQUEST).set(HttpUtil.isKeepAlive(request)
                        ? Http10Request.KEEP_ALIVE : Http10Request.CLOSE_AFTER_ANSWER);
            } else if (ctx.channel().hasAttr(REQUEST)) { // hasAttr, not attr: attr would add it to every connection
                ctx.channel().attr(REQUEST).set(null);
            }
        }
        ctx.fireChannelRead(message);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        if (message instanceof HttpResponse head && ctx.channel().hasAttr(REQUEST)) {
            Http10Request request = ctx.channel().attr(REQUEST).get();
            if (request != null && head.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
                frame(head, request);
            }
        }
        ctx.write(message, promise);
    }

    private static void frame(HttpResponse head, Http10Request request) {
        HttpHeaders headers = head.headers();
        if (HttpUtil.isTransferEncodingChunked(head)) {
            headers.remove(HttpHeaderNames.TRANSFER_ENCODING).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (request == Http10Request.KEEP_ALIVE && HttpUtil.isContentLengthSet(head)
                && !headers.contains(HttpHeaderNames.CONNECTION)) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }
}
