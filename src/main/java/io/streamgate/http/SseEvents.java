package io.streamgate.http;

import java.time.Duration;

import io.netty.channel.Channel;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.stream.ResultEvent;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;

/** Frames a reader's events as Server-Sent Events, with heartbeat comments while the stream is quiet. */
final class SseEvents {

    private static final ServerSentEvent<String> HEARTBEAT = ServerSentEvent.<String>builder().comment("heartbeat").build();

    /** How soon a client told to reconnect should do so (the SSE {@code retry:} field). */
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private final Duration heartbeatInterval;
    private final StreamMetrics metrics;

    SseEvents(Duration heartbeatInterval, StreamMetrics metrics) {
        this.heartbeatInterval = heartbeatInterval;
        this.metrics = metrics;
    }

    /**
     * Events a reader's pipeline may hold before the connection: Reactor's default prefetches (256, 32) would let a
     * slow reader pin hundreds of results in memory, while the shared log already holds them for it.
     */
    private static final int PREFETCH = 2;

    /**
     * A reader's events as SSE, each one waiting for room on the reader's connection (when known) before it leaves:
     * so a reader that does not keep up costs this node one high-water mark of bytes, not the results it missed.
     */
    Flux<ServerSentEvent<String>> frame(Flux<ResultEvent> events, Channel connection) {
        Flux<ServerSentEvent<String>> framed = events.map(this::toSse)
                .publish(shared -> Flux.merge(PREFETCH, shared, heartbeats().takeUntilOther(shared.then())), PREFETCH);
        if (connection == null) {
            return framed;
        }
        return framed.concatMap(event -> WritabilityGate.whenWritable(connection).thenReturn(event), 1);
    }

    /**
     * The first goes out at once: the response's headers leave with the first bytes of its body, so without it a
     * reader of a quiet stream would not even see the response start (EventSource's {@code open}) for a whole
     * interval. Gatling's SSE client waited 15 s for it under load.
     */
    private Flux<ServerSentEvent<String>> heartbeats() {
        // Dropped rather than queued when the client is not reading: a missed heartbeat costs nothing.
        return Flux.interval(Duration.ZERO, heartbeatInterval).onBackpressureDrop().map(tick -> HEARTBEAT);
    }

    private ServerSentEvent<String> toSse(ResultEvent event) {
        if (event.kind() == ResultEvent.Kind.RESULT) {
            metrics.resultDelivered();
        }
        ServerSentEvent.Builder<String> sse = ServerSentEvent.builder(event.json()).event(event.kind().eventName());
        if (event.hasId()) {
            sse.id(Long.toString(event.id()));
        }
        if (event.kind() == ResultEvent.Kind.RECONNECT) {
            sse.retry(RECONNECT_DELAY);
        }
        return sse.build();
    }
}
