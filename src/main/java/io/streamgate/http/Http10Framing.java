package io.streamgate.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;

/**
 * An HTTP/1.0 client gets a streamed answer (an event stream) delimited by the connection's close, not chunked: RFC
 * 9112 (6.1) forbids {@code Transfer-Encoding} in an answer to a request that does not indicate HTTP/1.1, and a client
 * of HTTP/1.0 reads the chunk sizes as part of the body. Reactor Netty (1.3.8) streams every answer without a length
 * chunked, whatever the request's version.
 *
 * <p>For a request in HTTP/1.0 this handler takes {@code Transfer-Encoding: chunked} off a streamed answer's head, so
 * that Netty's encoder writes its content as it is, and marks the answer {@code Connection: close}; once the answer's
 * last content is written the connection closes, which is where its body ends. A {@code HEAD} of a streamed answer
 * gets the same head, and the same close. Whole answers pass as Reactor Netty writes them, with their
 * {@code Content-Length}. Requests in HTTP/1.1 pass after a type check and a field each way; nothing is allocated for
 * them.
 */
@ChannelHandler.Sharable
final class Http10Framing extends ChannelDuplexHandler {

    /** Where the connection's answer stands; set only once an HTTP/1.0 request has come. */
    private static final AttributeKey<State> STATE = AttributeKey.valueOf("streamgate.http10Framing");

    private enum State {
        /** The request being answered is HTTP/1.0. */
        HTTP_1_0,
        /** Its answer is streamed and delimited by the close: the connection closes after its last content. */
        CLOSING
    }

    private final BeforeHttp11Handling placement = new BeforeHttp11Handling("streamgate.http10Framing", this);

    /** On a new connection: now if it speaks HTTP/1.1, or once TLS has chosen HTTP/1.1 by ALPN. */
    void install(Channel connection) {
        placement.install(connection);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof HttpRequest request) {
            if (request.protocolVersion() == HttpVersion.HTTP_1_0) {
                ctx.channel().attr(STATE).compareAndSet(null, State.HTTP_1_0);
            } else if (ctx.channel().hasAttr(STATE)) { // hasAttr, not attr: attr would add it to every connection
                ctx.channel().attr(STATE).compareAndSet(State.HTTP_1_0, null);
            }
        }
        ctx.fireChannelRead(message);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        if (ctx.channel().hasAttr(STATE)) {
            State state = ctx.channel().attr(STATE).get();
            if (state == State.HTTP_1_0 && message instanceof HttpResponse head
                    && HttpUtil.isTransferEncodingChunked(head)) {
                head.headers().remove(HttpHeaderNames.TRANSFER_ENCODING)
                        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                if (message instanceof FullHttpResponse) { // a HEAD's answer: a streamed answer's head, whole
                    writeThenClose(ctx, message, promise);
                    return;
                }
                ctx.channel().attr(STATE).set(State.CLOSING);
            } else if (state == State.CLOSING && message instanceof LastHttpContent) {
                writeThenClose(ctx, message, promise);
                return;
            }
        }
        ctx.write(message, promise);
    }

    private static void writeThenClose(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        ChannelPromise written = promise.unvoid();
        ctx.write(message, written);
        written.addListener(ChannelFutureListener.CLOSE);
    }
}
