package io.streamgate.http;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.stream.ResultEvent;
import io.streamgate.tracing.StreamTracing;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class SseEventsTest {

    private final SseEvents sse = new SseEvents(Duration.ofSeconds(15), new StreamMetrics(new SimpleMeterRegistry(), () -> 0),
            StreamTracing.OFF);

    @Test
    void shouldStartAQuietStreamAtOnceWithAHeartbeatThenOneEachInterval() {
        StepVerifier.withVirtualTime(() -> sse.frame(Flux.<List<ResultEvent>>never(), null))
                .expectNext(":heartbeat\n\n")
                .expectNoEvent(Duration.ofSeconds(14))
                .thenAwait(Duration.ofSeconds(1))
                .expectNext(":heartbeat\n\n")
                .thenCancel()
                .verify();
    }

    @Test
    void shouldWriteABatchAsOnePieceOfTextInTheEventStreamFormat() {
        List<ResultEvent> batch = List.of(
                new ResultEvent(ResultEvent.Kind.GAP, ResultEvent.NO_ID, "{\"last_event_id\":1,\"resumes_at\":7}"),
                new ResultEvent(ResultEvent.Kind.RESULT, 7, "{\"seq\":7,\n\"data\":\"A\"}"),
                new ResultEvent(ResultEvent.Kind.END, 8, "{\"reason\":\"client\"}"));

        List<String> frames = sse.frame(Flux.just(batch), null).filter(text -> !text.startsWith(":")).collectList().block();

        assertThat(frames).containsExactly("""
                event:gap
                data:{"last_event_id":1,"resumes_at":7}

                id:7
                event:result
                data:{"seq":7,
                data:"data":"A"}

                id:8
                event:end
                data:{"reason":"client"}

                """);
    }

    @Test
    void shouldEndTheBodyWithTheEndEventThoughTheEventsCompleteLaterAndHeartbeatsAreDue() {
        SseEvents everyFewMillis = new SseEvents(Duration.ofMillis(5),
                new StreamMetrics(new SimpleMeterRegistry(), () -> 0), StreamTracing.OFF);
        List<ResultEvent> last = List.of(new ResultEvent(ResultEvent.Kind.RESULT, 7, "{\"seq\":7}"),
                new ResultEvent(ResultEvent.Kind.END, 8, "{\"reason\":\"client\"}"));
        // The reader's events complete a while after their end event, as when the merge has not asked for more yet.
        Flux<List<ResultEvent>> endedLate = Flux.just(last).concatWith(Flux.<List<ResultEvent>>empty()
                .delaySubscription(Duration.ofMillis(100)));

        List<String> frames = everyFewMillis.frame(endedLate, null).collectList().block(Duration.ofSeconds(5));

        assertThat(frames).as("frames written").isNotEmpty();
        assertThat(frames.get(frames.size() - 1)).as("the last of %s", frames)
                .endsWith("event:end\ndata:{\"reason\":\"client\"}\n\n");
    }

    @Test
    void shouldTellAReaderToReconnectWithARetryDelay() {
        List<String> frames = sse.frame(Flux.just(List.of(ResultEvent.RECONNECT_AFTER_SHUTDOWN)), null)
                .filter(text -> !text.startsWith(":")).collectList().block();

        assertThat(frames).containsExactly("event:reconnect\nretry:1000\ndata:{\"reason\":\"shutdown\"}\n\n");
    }
}
