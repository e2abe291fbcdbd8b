package io.streamgate.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamgate.config.StreamgateProperties;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.stream.StreamService;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** Wires the HTTP layer. */
@Configuration(proxyBeanMethods = false)
class HttpConfiguration {

    @Bean
    StreamHandler streamHandler(StreamService streams, StreamgateProperties properties, StreamMetrics metrics) {
        StreamgateProperties.Stream stream = properties.stream();
        return new StreamHandler(streams, new JsonBodies(), new SseEvents(stream.heartbeatInterval(), metrics),
                stream.maxChunkSize().toBytes(), stream.maxBatchChunks(), stream.maxBatchSize().toBytes());
    }

    /**
     * Netty-level limits: total connections, and the time allowed to receive a whole request (a client that trickles
     * its headers or body, slowloris-style, gets 408 and is closed instead of holding a connection forever).
     */
    @Bean
    NettyServerCustomizer connectionAndRequestLimits(StreamgateProperties properties, StreamMetrics metrics,
                                                     MeterRegistry meters) {
        StreamgateProperties.Limits limits = properties.limits();
        ConnectionLimits connections = new ConnectionLimits(limits.maxConnections(), metrics);
        OutboundBacklog backlog = new OutboundBacklog();
        WritabilityGate writability = new WritabilityGate();
        Gauge.builder("streamgate.http.outbound.backlog", backlog::bytes).baseUnit("bytes")
                .description("Bytes written to client connections and not yet taken by the OS (slow readers)")
                .register(meters);
        return server -> server
                .requestTimeout(limits.requestReadTimeout())
                .readTimeout(limits.requestReadTimeout())
                // Covers a connection that opens, or starts its headers, and then sends nothing more.
                .idleTimeout(limits.requestReadTimeout())
                .doOnChannelInit((observer, channel, remoteAddress) -> {
                    channel.pipeline().addFirst(connections);
                    writability.install(channel);
                    backlog.track(channel);
                });
    }

    @Bean
    HeaderSizeLimit headerSizeLimit(StreamgateProperties properties, StreamMetrics metrics) {
        return new HeaderSizeLimit(properties.limits().maxHeaderSize().toBytes(), metrics);
    }

    /** How every failure is answered: HTTP problems, and WebSocket error frames and close codes alike. */
    @Bean
    Problems problems(StreamMetrics metrics) {
        return new Problems(metrics);
    }

    @Bean
    ProblemExceptionHandler problemExceptionHandler(JsonMapper json, Problems problems) {
        return new ProblemExceptionHandler(problems, json);
    }
}
