package io.streamgate.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Hands the head of an HTTP/1.1 request without a body on as a whole request, so that Reactor Netty starts no request
 * timeout for it; the empty end the decoder hands on next passes as it is.
 *
 * <p>Reactor Netty (1.3.8) starts a request's timeout when its head arrives and stops it when its last content does. A
 * request without a body that its route answers at once (a status, results as JSON, the actuator) is answered, and its
 * operations are gone, before its empty last content gets there, so its timer is never stopped: it stays scheduled for
 * the whole {@code request-read-timeout} (30 s), holding the request (about 2.2 KB). At 10,000 such requests a second
 * that is 600 MB that the GC promotes and marks: a quarter of the status route's CPU, measured in BENCHMARKS.md
 * section 23, where a trivial WebFlux app with the same timeout reproduces it. Reactor Netty starts no timer for a
 * whole request ({@code DefaultFullHttpRequest}), and a request without a body has nothing left to time.
 *
 * <p>Over HTTP/1.1 Reactor Netty ends a whole request's body only when a last content follows it, so the decoder's
 * empty end is not swallowed here: a route that reads the body of a request without one (a start with no JSON) gets
 * its end from it. Requests with a body pass as they are, and theirs is the timeout that cuts off a trickled body.
 * A WebSocket handshake passes as it is too: Reactor Netty's upgrade path is left as it was tested.
 *
 * <p>Goes just before Reactor Netty's HTTP/1.1 handling (NextToHttp11Handling), so HTTP/2 streams never pass here.
 */
@ChannelHandler.Sharable
final class WholeBodilessRequests extends ChannelInboundHandlerAdapter {

    private final NextToHttp11Handling placement =
            NextToHttp11Handling.before("streamgate.wholeBodilessRequests", this);

    /** On a new connection: now if it speaks HTTP/1.1, or once TLS has chosen HTTP/1.1 by ALPN. */
    void install(Channel connection) {
        placement.install(connection);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        ctx.fireChannelRead(message instanceof HttpRequest head && hasNoBody(head) ? whole(head) : message);
    }

    private static boolean hasNoBody(HttpRequest head) {
        return !(head instanceof FullHttpRequest)
                && head.decoderResult().isSuccess()
                && !head.headers().contains(HttpHeaderNames.UPGRADE)
                && !HttpUtil.isTransferEncodingChunked(head)
                && HttpUtil.getContentLength(head, 0L) == 0L;
    }

    private static FullHttpRequest whole(HttpRequest head) {
        FullHttpRequest request = new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(),
                Unpooled.EMPTY_BUFFER, head.headers(), EmptyHttpHeaders.INSTANCE);
        request.setDecoderResult(head.decoderResult());
        return request;
    }
}
