package io.streamgate.http;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.security.SecurityHeaders;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Caps the connections open at once on one server of this node (the API's, or the management port's). Sits first in
 * every connection's pipeline: a connection over the cap takes the place of one that waits for a request, silent past
 * its grace or kept alive longest (IdleConnections), or, if none waits so, gets a 503 problem written straight to the
 * socket and is closed, before any HTTP parsing or allocation. The answer carries the security headers every other
 * answer does (SecurityHeaders), so that a refusal is no weaker. While a connection taken closes, the count is one
 * over.
 *
 * <p>The answer is HTTP/1.1 in clear text, written ahead of any TLS handler: a TLS client over the cap gets it before
 * its handshake and cannot read it, nor can an h2c client with prior knowledge; each is closed at once all the same,
 * which is what the cap is for (spending a handshake on a connection refused for load would defeat it).
 *
 * <p>An HTTP/2 connection's open streams beyond its first count as connections too: each holds what an HTTP/1.1
 * connection's request does (12 KB of heap for a send whose body is slow to come), and a client may open 100 at once on
 * each connection, so that counting connections alone let 300 h2c connections hold 30,000 slow sends and take a 384 MB
 * heap (BENCHMARKS.md section 110). A stream over the cap takes an idle connection's place as a connection does, or is
 * marked, and answered the same {@code 503} before anything else is done for it (StreamsOverCap). It is not reset
 * here, where Reactor Netty has already begun to serve it: a first take that did left its client a bare reset, and
 * the node held nearly twice the heap after the same probe (section 110).
 */
@ChannelHandler.Sharable
final class ConnectionLimits extends ChannelInboundHandlerAdapter {

    /** The API server's limit, {@code streamgate.limits.max-connections}. */
    static final String API_LIMIT = "max-connections";
    private static final AttributeKey<OpenStreams> OPEN_STREAMS = AttributeKey.valueOf("streamgate.openStreams");
    private static final AttributeKey<String> OVER_CAP = AttributeKey.valueOf("streamgate.overCap");

    private final int maxConnections;
    /** The limit's name, in the problem body and the metric. */
    private final String limit;
    private final IdleConnections idle;
    private final StreamMetrics metrics;
    /** The whole answer, HTTP/1.1 head and problem body, encoded once. */
    private final byte[] response;
    /** Connections open, with the HTTP/2 streams open beyond each connection's first. */
    private final AtomicInteger open = new AtomicInteger();
    private final ChannelFutureListener streamClosed = closed -> {
        if (closed.channel().parent().attr(OPEN_STREAMS).get().count-- > 1) {
            open.decrementAndGet();
        }
    };

    ConnectionLimits(int maxConnections, String limit, IdleConnections idle, StreamMetrics metrics, JsonMapper json) {
        this.maxConnections = maxConnections;
        this.limit = limit;
        this.idle = idle;
        this.metrics = metrics;
        byte[] body = json.writeValueAsBytes(ProblemType.TOO_MANY_CONNECTIONS.body(
                "This gateway has as many connections open as it allows; retry shortly.", null).withLimit(limit));
        byte[] head = head(body.length);
        this.response = new byte[head.length + body.length];
        System.arraycopy(head, 0, response, 0, head.length);
        System.arraycopy(body, 0, response, head.length, body.length);
    }

    /** The answer's status line and headers, Spring Security's defaults among them, for a body of that length. */
    private static byte[] head(int bodyLength) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        headers.set(HttpHeaders.RETRY_AFTER, "1");
        headers.set(HttpHeaders.CONNECTION, "close");
        headers.set(HttpHeaders.CONTENT_LENGTH, Integer.toString(bodyLength));
        SecurityHeaders.writeTo(headers, false);
        StringBuilder head = new StringBuilder("HTTP/1.1 503 Service Unavailable\r\n");
        headers.forEach((name, values) -> values.forEach(value -> head.append(name).append(": ").append(value)
                .append("\r\n")));
        return head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Connections open now, with the HTTP/2 streams open beyond each connection's first: what the cap counts. */
    int open() {
        return open.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > maxConnections && !tookAWaitingPlace()) {
            metrics.refusedBeforeWebFlux(ProblemType.TOO_MANY_CONNECTIONS.status.value(),
                    ProblemType.TOO_MANY_CONNECTIONS.slug());
            ctx.writeAndFlush(Unpooled.wrappedBuffer(response)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        idle.admitted(ctx.channel());
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        super.channelInactive(ctx);
    }

    /**
     * An HTTP/2 stream opened on a connection let in, on that connection's event loop, as Reactor Netty starts to
     * serve it: marked for a {@code 503} if it is over the cap.
     */
    void streamOpened(Channel stream) {
        Channel connection = stream.parent();
        OpenStreams streams = connection.attr(OPEN_STREAMS).get();
        if (streams == null) {
            streams = new OpenStreams();
            connection.attr(OPEN_STREAMS).set(streams);
        }
        if (streams.count++ > 0 && open.incrementAndGet() > maxConnections && !tookAWaitingPlace()) {
            stream.attr(OVER_CAP).set(limit);
        }
        stream.closeFuture().addListener(streamClosed);
    }

    /** Over the cap: closes a connection waiting for a request to take its place; false, refused, if none waits. */
    private boolean tookAWaitingPlace() {
        if (idle.closeLongestWaiting()) {
            metrics.idleConnectionClosed(limit);
            return true;
        }
        metrics.limitRejected(limit);
        return false;
    }

    /** The limit an HTTP/2 stream was over when it opened, or null (every HTTP/1.1 request's). */
    static String overCap(Channel stream) {
        return stream.hasAttr(OVER_CAP) ? stream.attr(OVER_CAP).get() : null;
    }

    /** How many streams of an HTTP/2 connection are open: its event loop's alone. */
    private static final class OpenStreams {
        int count;
    }
}
