package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class ResultCursorTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void shouldReplayHeldResultsThenFollowLiveOnesUntilTheEnd() {
        StreamFixture streams = new StreamFixture();
        StreamKey id = streams.started("s");
        streams.service.send(id, "one").block(TIMEOUT);

        StepVerifier.create(streams.read(id, ResultEvent.NO_ID))
                .assertNext(event -> assertThat(event.json()).contains("\"data\":\"ONE\""))
                .then(() -> streams.service.send(id, "two").block(TIMEOUT))
                .assertNext(event -> assertThat(event.json()).contains("\"data\":\"TWO\""))
                .then(() -> streams.service.end(id, StreamService.ENDED_BY_CLIENT).block(TIMEOUT))
                .assertNext(event -> {
                    assertThat(event.kind()).isEqualTo(ResultEvent.Kind.END);
                    assertThat(event.json()).isEqualTo("{\"reason\":\"client\"}");
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void shouldResumeRightAfterTheLastEventId() {
        StreamFixture streams = new StreamFixture();
        StreamKey id = streams.started("s");
        long first = streams.service.send(id, "a").block(TIMEOUT);
        long second = streams.service.send(id, "b").block(TIMEOUT);
        long third = streams.service.send(id, "c").block(TIMEOUT);

        StepVerifier.create(streams.read(id, first))
                .assertNext(event -> assertThat(event.id()).isEqualTo(second))
                .assertNext(event -> assertThat(event.id()).isEqualTo(third))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void shouldEmitOnlyWhatTheReaderRequested() {
        StreamFixture streams = new StreamFixture();
        StreamKey id = streams.started("s");
        for (int i = 0; i < 5; i++) {
            streams.service.send(id, "chunk " + i).block(TIMEOUT);
        }

        StepVerifier.create(streams.read(id, ResultEvent.NO_ID), 2)
                .expectNextCount(2)
                .expectNoEvent(Duration.ofMillis(100))
                .thenRequest(3)
                .expectNextCount(3)
                .thenCancel()
                .verify(TIMEOUT);
        assertThat(streams.session(id).readers()).isZero();
    }

    @Test
    void shouldHandOverWhatIsReadyInOneBoundedBatch() {
        StreamFixture streams = new StreamFixture(1000);
        StreamKey id = streams.started("s");
        int sent = ResultCursor.MAX_BATCH_EVENTS + 2;
        for (int i = 0; i < sent; i++) {
            streams.service.send(id, "chunk " + i).block(TIMEOUT);
        }

        StepVerifier.create(streams.readBatches(id, ResultEvent.NO_ID), 1)
                .assertNext(batch -> assertThat(batch).hasSize(ResultCursor.MAX_BATCH_EVENTS))
                .expectNoEvent(Duration.ofMillis(100))
                .thenRequest(1)
                .assertNext(batch -> assertThat(batch).hasSize(2))
                .then(() -> streams.service.end(id, StreamService.ENDED_BY_CLIENT).block(TIMEOUT))
                .thenRequest(1)
                .assertNext(batch -> assertThat(batch).extracting(ResultEvent::kind).containsExactly(ResultEvent.Kind.END))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void shouldAnnounceAGapForAnIdItDoesNotHold() {
        StreamFixture streams = new StreamFixture();
        StreamKey id = streams.started("s");
        long seq = streams.service.send(id, "a").block(TIMEOUT);

        StepVerifier.create(streams.read(id, 999_999))
                .assertNext(event -> {
                    assertThat(event.kind()).isEqualTo(ResultEvent.Kind.GAP);
                    assertThat(event.hasId()).isFalse();
                    assertThat(event.json()).isEqualTo("{\"last_event_id\":999999,\"resumes_at\":" + seq + "}");
                })
                .assertNext(event -> assertThat(event.id()).isEqualTo(seq))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void shouldCloseASlowReaderThatFellOutOfTheLogWithAReasonItCanResumeFrom() {
        StreamFixture streams = new StreamFixture(3);
        StreamKey id = streams.started("s");
        long first = streams.service.send(id, "0").block(TIMEOUT);

        StepVerifier.create(streams.readBatches(id, ResultEvent.NO_ID), 1)
                .assertNext(batch -> assertThat(batch).extracting(ResultEvent::id).containsExactly(first))
                .then(() -> {
                    for (int i = 1; i <= 5; i++) {
                        streams.service.send(id, Integer.toString(i)).block(TIMEOUT);
                    }
                })
                .thenRequest(1)
                .assertNext(batch -> {
                    assertThat(batch).hasSize(1);
                    assertThat(batch.get(0).kind()).isEqualTo(ResultEvent.Kind.OVERFLOW);
                    assertThat(batch.get(0).json())
                            .startsWith("{\"reason\":\"slow-reader\",\"last_event_id\":" + first + ",");
                })
                .expectComplete()
                .verify(TIMEOUT);

        StepVerifier.create(streams.read(id, first))
                .assertNext(event -> {
                    assertThat(event.kind()).isEqualTo(ResultEvent.Kind.GAP);
                    assertThat(event.json()).startsWith("{\"last_event_id\":" + first + ",");
                })
                .assertNext(event -> assertThat(event.json()).contains("\"data\":\"3\""))
                .thenCancel()
                .verify(TIMEOUT);
    }

    @Test
    void shouldTellReadersToReconnectAndEndTheirResponseOnShutdown() {
        StreamFixture streams = new StreamFixture();
        StreamKey id = streams.started("s");
        streams.service.send(id, "a").block(TIMEOUT);

        StepVerifier.create(streams.read(id, ResultEvent.NO_ID))
                .assertNext(event -> assertThat(event.kind()).isEqualTo(ResultEvent.Kind.RESULT))
                .then(streams.registry::disconnectReaders)
                .assertNext(event -> {
                    assertThat(event.kind()).isEqualTo(ResultEvent.Kind.RECONNECT);
                    assertThat(event.hasId()).as("keeps the client's Last-Event-ID").isFalse();
                })
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(streams.session(id).readers()).isZero();
    }
}
