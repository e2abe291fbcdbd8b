package io.streamgate.metrics;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The gateway's meters: {@code streamgate.streams.open}, {@code streamgate.chunks.sent},
 * {@code streamgate.send.latency} (request to durable acknowledgement), {@code streamgate.results.delivered},
 * {@code streamgate.sse.readers}, {@code streamgate.limit.rejections} (tagged by limit) and
 * {@code streamgate.http.refusals} (requests refused before WebFlux, tagged by status and problem type).
 */
public final class StreamMetrics {

    private final Counter chunksSent;
    private final Timer sendLatency;
    private final Counter resultsDelivered;
    private final AtomicInteger readers = new AtomicInteger();
    private final MeterRegistry registry;

    public StreamMetrics(MeterRegistry registry, Supplier<Number> openStreams) {
        this.registry = registry;
        Gauge.builder("streamgate.streams.open", openStreams).description("Streams not yet ended").register(registry);
        chunksSent = Counter.builder("streamgate.chunks.sent")
                .description("Chunks acknowledged durably by Kafka").register(registry);
        sendLatency = Timer.builder("streamgate.send.latency")
                .description("Time from a send request to Kafka's durable acknowledgement")
                .publishPercentileHistogram()
                .register(registry);
        resultsDelivered = Counter.builder("streamgate.results.delivered")
                .description("Result events written to readers").register(registry);
        Gauge.builder("streamgate.sse.readers", readers, AtomicInteger::get)
                .description("Connected Server-Sent Events readers").register(registry);
    }

    public void chunkSent(Duration latency) {
        chunksSent.increment();
        sendLatency.record(latency);
    }

    public void resultDelivered() {
        resultsDelivered.increment();
    }

    /** A request refused by a limit; {@code limit} is the limit's property name (e.g. open-streams-per-tenant). */
    public void limitRejected(String limit) {
        Counter.builder("streamgate.limit.rejections").tag("limit", limit)
                .description("Requests and connections refused by a limit, by the limit's property name")
                .register(registry).increment();
    }

    /** A connection waiting for a request closed to take a new one at a server's cap, named by its limit. */
    public void idleConnectionClosed(String limit) {
        Counter.builder("streamgate.http.idle-connections.closed").tag("limit", limit)
                .description("Connections waiting for a request (silent since connected past a grace, or kept alive "
                        + "between requests) closed to take new ones at a connection cap")
                .register(registry).increment();
    }

    /**
     * A request answered with a problem before WebFlux took it, so not timed by {@code http.server.requests}: one Netty
     * could not decode, a target that is not a URI, a connection over the cap. {@code type} is the problem type's name.
     */
    public void refusedBeforeWebFlux(int status, String type) {
        Counter.builder("streamgate.http.refusals").tags("status", Integer.toString(status), "type", type)
                .description("Requests answered with a problem before WebFlux took them (not in http.server.requests)")
                .register(registry).increment();
    }

    public void readerConnected() {
        readers.incrementAndGet();
    }

    public void readerDisconnected() {
        readers.decrementAndGet();
    }
}
