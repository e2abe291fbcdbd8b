package io.streamgate.http;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.stream.ResultEvent;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class SseEventsTest {

    private final SseEvents sse = new SseEvents(Duration.ofSeconds(15), new StreamMetrics(new SimpleMeterRegistry(), () -> 0));

    @Test
    void shouldStartAQuietStreamAtOnceWithAHeartbeatThenOneEachInterval() {
        StepVerifier.withVirtualTime(() -> sse.frame(Flux.<ResultEvent>never(), null))
                .expectNextMatches(event -> "heartbeat".equals(event.comment()))
                .expectNoEvent(Duration.ofSeconds(14))
                .thenAwait(Duration.ofSeconds(1))
                .expectNextMatches(event -> "heartbeat".equals(event.comment()))
                .thenCancel()
                .verify();
    }
}
