package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.streamgate.processing.engine.StreamResult;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** One stream id, one start, whatever the timing of the gateways that start it. */
class OneStartPerStreamTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final StreamFixture streams = new StreamFixture();

    @Test
    void shouldOpenAStreamOnceWhenTwoGatewaysStartItsIdAtTheSameTime() {
        StreamService gatewayA = streams.service;
        StreamService gatewayB = streams.anotherGateway();
        streams.log.stopProcessing(); // both starts are stored before the processor takes either

        Mono<StreamSession> startA = gatewayA.start("", new StreamId("job-1"), "wordcount").cache();
        Mono<StreamSession> startB = gatewayB.start("", new StreamId("job-1"), "wordcount").cache();
        startA.subscribe(ignored -> { }, ignored -> { });
        startB.subscribe(ignored -> { }, ignored -> { });
        streams.log.resumeProcessing();

        StepVerifier.create(startA).expectNextCount(1).expectComplete().verify(TIMEOUT);
        StepVerifier.create(startB).expectError(StreamConflictException.class).verify(TIMEOUT);
        assertThat(streams.log.results).extracting(StreamResult::kind)
                .containsExactly(StreamResult.Kind.STARTED, StreamResult.Kind.START_REFUSED);
        StreamKey key = StreamFixture.key("job-1");
        StepVerifier.create(gatewayB.send(key, "through the gateway that lost")).expectNextCount(1).expectComplete()
                .verify(TIMEOUT);
        assertThat(streams.registry.openStreams()).as("open streams on gateway A").isEqualTo(1);
    }

    @Test
    void shouldRefuseAStartRetriedThroughAnotherGatewayWhileTheFirstWasOnItsWay() {
        streams.log.stopProcessing(); // no processor takes the first start in time
        StepVerifier.withVirtualTime(() -> streams.service.start("", new StreamId("job-2"), null))
                .expectSubscription()
                .thenAwait(StreamService.START_SEEN_TIMEOUT)
                .expectError(StartNotConfirmedException.class)
                .verify(TIMEOUT);

        Mono<StreamSession> retried = streams.anotherGateway().start("", new StreamId("job-2"), null).cache();
        retried.subscribe(ignored -> { }, ignored -> { });
        streams.log.resumeProcessing();

        StepVerifier.create(retried).expectError(StreamConflictException.class).verify(TIMEOUT);
        assertThat(streams.log.results).extracting(StreamResult::kind)
                .containsExactly(StreamResult.Kind.STARTED, StreamResult.Kind.START_REFUSED);
        assertThat(streams.session(StreamFixture.key("job-2")).isOpen()).as("the first start opened it").isTrue();
    }

    @Test
    void shouldStartAnIdAnotherGatewayStartedAndEndedBeforeThisGatewayReadEitherRecord() {
        StreamService gatewayB = streams.anotherGateway();
        StreamKey key = StreamFixture.key("job-4");
        streams.log.holdResultsFrom(streams.registry); // gateway A's results feed is behind
        gatewayB.start("", new StreamId("job-4"), null).block(TIMEOUT);
        gatewayB.end(key, StreamService.ENDED_BY_CLIENT).block(TIMEOUT);

        Mono<StreamSession> startA = streams.service.start("", new StreamId("job-4"), null).cache();
        startA.subscribe(ignored -> { }, ignored -> { });
        streams.log.feedHeldResults(streams.registry); // B's start first: it holds the key until its end

        StepVerifier.create(startA).assertNext(session -> assertThat(session.isOpen()).as("A's stream open").isTrue())
                .expectComplete().verify(TIMEOUT);
        assertThat(streams.log.results).extracting(StreamResult::kind).containsExactly(StreamResult.Kind.STARTED,
                StreamResult.Kind.ENDED, StreamResult.Kind.STARTED);
        assertThat(streams.session(key)).as("the session of A's start").isSameAs(startA.block());
        assertThat(streams.registry.openStreams()).as("open streams on gateway A").isEqualTo(1);
    }

    @Test
    void shouldPassOverAStartConfirmedAgainByAProcessorThatReplayedIt() {
        StreamKey key = streams.started("job-3");
        StreamSession session = streams.session(key);
        streams.service.send(key, "first").block(TIMEOUT);
        StreamResult started = streams.log.results.stream()
                .filter(result -> result.kind() == StreamResult.Kind.STARTED).findFirst().orElseThrow();

        // A processor that died before committing the start replays it and confirms it again (ProcessingEngineTest).
        streams.log.publishAgain(started);

        assertThat(streams.session(key)).as("the session of the first confirmation").isSameAs(session);
        assertThat(session.log().snapshot()).as("its history").hasSize(1);
        assertThat(streams.registry.openStreams()).as("open streams").isEqualTo(1);
        StreamRegistry restarted = streams.replayedRegistry();
        assertThat(restarted.openStreams()).as("open streams on a gateway that read the log from the start")
                .isEqualTo(1);
        assertThat(restarted.find(key)).as("the stream there").hasValueSatisfying(replayed ->
                assertThat(replayed.log().snapshot()).as("its history there").hasSize(1));
    }
}
