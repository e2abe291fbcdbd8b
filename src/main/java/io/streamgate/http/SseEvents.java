package io.streamgate.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.netty.channel.Channel;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.stream.ResultEvent;
import io.streamgate.tracing.StreamTracing;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.function.BodyInserter;
import reactor.core.publisher.Flux;

/**
 * Frames a reader's events as Server-Sent Events, with heartbeat comments while the stream is quiet.
 *
 * <p>Written here rather than by Spring's SSE writer, which writes and flushes every event on its own: a batch of
 * events that are ready together leaves as one buffer with one flush. The text is the same as Spring's
 * ({@code id:}, {@code event:}, {@code retry:}, {@code data:} lines; {@code :} comments).
 */
final class SseEvents {

    private static final Frame HEARTBEAT_FRAME = new Frame(":heartbeat\n\n", List.of(), false);

    /** Marks the end of a reader's events among its frames; never written. */
    private static final Frame NO_MORE_EVENTS = new Frame("", List.of(), false);

    /** How soon a client told to reconnect should do so (the SSE {@code retry:} field). */
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private final Duration heartbeatInterval;
    private final StreamMetrics metrics;
    private final StreamTracing tracing;

    SseEvents(Duration heartbeatInterval, StreamMetrics metrics, StreamTracing tracing) {
        this.heartbeatInterval = heartbeatInterval;
        this.metrics = metrics;
        this.tracing = tracing;
    }

    /**
     * SSE text on its way to the connection, with the spans of the traced events in it: they end when the text is
     * handed to the connection, so each measures the wait for room on it.
     *
     * @param last whether it ends with an event after which the reader gets nothing more ({@code end} and the like)
     */
    private record Frame(String text, List<StreamTracing.Span> deliveries, boolean last) {

        String handedOver() {
            deliveries.forEach(StreamTracing.Span::end);
            return text;
        }
    }

    /**
     * Batches a reader's pipeline may hold before the connection: Reactor's default prefetches (256, 32) would let a
     * slow reader pin thousands of results in memory, while the shared log already holds them for it.
     */
    private static final int PREFETCH = 1;

    /**
     * A reader's event batches as SSE text, each waiting for room on the reader's connection (when known) before it
     * leaves: so a reader that does not keep up costs this node one high-water mark of bytes plus one batch, not the
     * results it missed.
     */
    Flux<String> frame(Flux<List<ResultEvent>> batches, Channel connection) {
        // The heartbeats stop with the events: at the frame of the event that ends them, or at the marker that
        // follows the last batch when none did. Not at the marker alone: it comes only once the merge asks the events
        // for more, and a heartbeat already waiting in the merge went out first, after `event: end`.
        Flux<Frame> events = batches.map(this::toSse).concatWithValues(NO_MORE_EVENTS);
        Flux<Frame> framed = Flux.merge(PREFETCH, events, heartbeats())
                .takeWhile(frame -> frame != NO_MORE_EVENTS)
                .takeUntil(Frame::last);
        if (connection == null) {
            return framed.map(Frame::handedOver);
        }
        return framed.concatMap(frame -> WritabilityGate.whenWritable(connection).thenReturn(frame), 1)
                .map(Frame::handedOver);
    }

    /**
     * The response body: each piece of text one write, flushed as soon as no other is ready (Reactor Netty's send
     * flushes when its queue runs dry). Not {@code writeAndFlushWith}, which wraps every piece in a publisher of its
     * own and keeps a 32-slot queue of them for each reader.
     */
    static BodyInserter<Flux<String>, ServerHttpResponse> body(Flux<String> framed) {
        return (response, context) -> response.writeWith(framed.map(text ->
                response.bufferFactory().wrap(text.getBytes(StandardCharsets.UTF_8))));
    }

    /**
     * The first goes out at once: the response's headers leave with the first bytes of its body, so without it a
     * reader of a quiet stream would not even see the response start (EventSource's {@code open}) for a whole
     * interval. Gatling's SSE client waited 15 s for it under load.
     */
    private Flux<Frame> heartbeats() {
        // Dropped rather than queued when the client is not reading: a missed heartbeat costs nothing.
        return Flux.interval(Duration.ZERO, heartbeatInterval).onBackpressureDrop().map(tick -> HEARTBEAT_FRAME);
    }

    private Frame toSse(List<ResultEvent> batch) {
        StringBuilder text = new StringBuilder(batch.size() * 64);
        List<StreamTracing.Span> deliveries = List.of();
        for (ResultEvent event : batch) {
            append(event, text);
            if (event.trace() != null) {
                if (deliveries.isEmpty()) {
                    deliveries = new ArrayList<>();
                }
                deliveries.add(tracing.startDelivery(event.trace(), event.kind().eventName()));
            }
        }
        return new Frame(text.toString(), deliveries, batch.get(batch.size() - 1).kind().endsReading());
    }

    private void append(ResultEvent event, StringBuilder text) {
        if (event.kind() == ResultEvent.Kind.RESULT) {
            metrics.resultDelivered();
        }
        if (event.hasId()) {
            text.append("id:").append(event.id()).append('\n');
        }
        text.append("event:").append(event.kind().eventName()).append('\n');
        if (event.kind() == ResultEvent.Kind.RECONNECT) {
            text.append("retry:").append(RECONNECT_DELAY.toMillis()).append('\n');
        }
        // A line break inside the data (a plug-in's pretty-printed JSON) continues it on another data line.
        text.append("data:").append(event.json().replace("\n", "\ndata:")).append("\n\n");
    }
}
