package io.streamgate.http;

import java.time.Duration;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.streamgate.metrics.StreamMetrics;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Netty-level limits and repairs every server of the gateway gets: the API's, and the management port's when
 * {@code management.server.port} gives the actuator one of its own. Each server counts its connections against a cap
 * of its own, so that a full API port does not refuse health checks sent to the management port.
 *
 * <p>What each does: the time allowed to receive a whole request (a client that trickles its headers or body,
 * slowloris-style, gets 408 and is closed instead of holding a connection forever; the timeout's second signal after
 * the 408 is kept out of the error log, as is a reset's, see DroppedRequestErrors). A request without a body goes on
 * whole, so that its timeout is not left scheduled (WholeBodilessRequests says why). A request Netty cannot decode gets
 * a problem in place of Reactor Netty's empty answer (UndecodableRequests). An HTTP/1.0 client gets a streamed answer
 * delimited by the connection's close, not chunked, and a whole one on a connection kept alive if it asked for that
 * (Http10Framing). A WebSocket's connection waits for the client's close after the gateway's close frame, so that
 * bytes in flight cannot cost the client its close code (LingeringSocketClose).
 *
 * <p>Under HTTP/2 a connection carries many requests, each on a stream channel of its own: the backlog counts
 * connections ({@code doOnChannelInit} sees only those), the connection cap counts their open streams beyond the
 * first too, and the writability gate also goes on every stream ({@code doOnConnection} sees each), whose writability
 * follows its flow-control window, so that a slow reader among multiplexed ones waits alone. The request timeouts apply
 * per stream in Reactor Netty. A cleartext connection may switch to HTTP/2 on its first request only (H2cUpgradeWindow
 * says why).
 */
final class ServerLimits {

    private final Duration requestReadTimeout;
    private final StreamMetrics metrics;
    private final MeterRegistry meters;
    private final JsonMapper json;
    private final OutboundBacklog backlog = new OutboundBacklog();
    private final WritabilityGate writability = new WritabilityGate();
    private final H2cUpgradeWindow h2cUpgrade = new H2cUpgradeWindow();
    private final WholeBodilessRequests wholeBodiless = new WholeBodilessRequests();
    private final UndecodableRequests undecodable;
    private final Http10Framing http10 = new Http10Framing();
    private final LingeringSocketClose lingeringClose = new LingeringSocketClose();
    private final Http2ConnectionResets http2Resets = new Http2ConnectionResets();

    ServerLimits(Duration requestReadTimeout, StreamMetrics metrics, MeterRegistry meters, JsonMapper json) {
        this.requestReadTimeout = requestReadTimeout;
        this.metrics = metrics;
        this.meters = meters;
        this.json = json;
        this.undecodable = new UndecodableRequests(json, metrics);
        Gauge.builder("streamgate.http.outbound.backlog", backlog::bytes).baseUnit("bytes")
                .description("Bytes written to client connections and not yet taken by the OS (slow readers)")
                .register(meters);
    }

    /** The limits for a server that allows {@code maxConnections} connections open at once, its limit named so. */
    NettyServerCustomizer forServer(int maxConnections, String limit) {
        IdleConnections idle = new IdleConnections();
        ConnectionLimits connections = new ConnectionLimits(maxConnections, limit, idle, metrics, json);
        Gauge.builder("streamgate.http.connections", connections::open).tag("limit", limit)
                .description("Connections open on this server, with HTTP/2 streams open beyond each connection's"
                        + " first: what the limit caps")
                .register(meters);
        return server -> server
                .requestTimeout(requestReadTimeout)
                .readTimeout(requestReadTimeout)
                // Covers a connection that opens, or starts its headers, and then sends nothing more, or trickles them:
                // its handler sits after the HTTP decoder, so only a decoded part of a request counts as news, never
                // a byte of a head (LimitsIT trickles one).
                .idleTimeout(requestReadTimeout)
                .doOnChannelInit((observer, channel, remoteAddress) -> {
                    channel.pipeline().addFirst(connections);
                    writability.install(channel);
                    backlog.track(channel);
                    h2cUpgrade.install(channel);
                    idle.install(channel); // first of those next to the HTTP/1.1 handling: sees every answer
                    undecodable.install(channel);
                    http10.install(channel);
                    wholeBodiless.install(channel);
                    lingeringClose.install(channel);
                    http2Resets.install(channel);
                })
                .doOnConnection(connection -> {
                    if (connection.channel() instanceof Http2StreamChannel stream) {
                        connections.streamOpened(stream);
                        writability.install(stream);
                        idle.streamOpened(stream);
                    }
                });
    }
}
