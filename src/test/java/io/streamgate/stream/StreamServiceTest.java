package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import io.streamgate.config.TenantShare;
import io.streamgate.processing.UnknownProcessorException;
import io.streamgate.processing.engine.StreamCommand;
import io.streamgate.processing.engine.StreamResult;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class StreamServiceTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** What Kafka's producer answers when it gave up waiting for a write a broker may hold. */
    private static final CommandLogUnavailableException NO_ANSWER =
            new CommandLogUnavailableException("TimeoutException: Expiring 1 record(s)", null);
    private final StreamFixture streams = new StreamFixture();

    @Test
    void shouldStartAStreamWithAGeneratedIdAndTheDefaultProcessor() {
        StepVerifier.create(streams.service.start("", null, null))
                .assertNext(session -> {
                    assertThat(session.id().value()).matches("[0-9a-f]{32}");
                    assertThat(session.processor()).isEqualTo("uppercase");
                    assertThat(session.isOpen()).isTrue();
                })
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(streams.log.appended).extracting(StreamCommand::kind).containsExactly(StreamCommand.Kind.START);
    }

    @Test
    void shouldRefuseToStartAnIdThatExistsAndWriteNothing() {
        StreamKey id = streams.started("job-1");

        StepVerifier.create(streams.service.start("", id.id(), "echo"))
                .expectError(StreamConflictException.class)
                .verify(TIMEOUT);
        assertThat(streams.log.appended).hasSize(1);
    }

    @Test
    void shouldRefuseAnUnknownProcessorAndWriteNothing() {
        StepVerifier.create(streams.service.start("", new StreamId("job-2"), "reverse"))
                .expectError(UnknownProcessorException.class)
                .verify(TIMEOUT);
        assertThat(streams.log.appended).isEmpty();
        assertThat(streams.registry.find(StreamFixture.key("job-2"))).isEmpty();
    }

    @Test
    void shouldRefuseAStartOnceAllTenantsTogetherHaveAsManyStreamsOpenAsAllowedAndWriteNothing() {
        StreamFixture capped = new StreamFixture(100,
                new StreamLimits(1000, 2, 1_000_000, 100, TenantShare.fixed(1000), Clock.systemUTC()));
        StreamKey first = capped.service.start("tenant-a", new StreamId("first"), null).block(TIMEOUT).key();
        capped.service.start("tenant-b", new StreamId("second"), null).block(TIMEOUT);

        StepVerifier.create(capped.service.start("tenant-c", new StreamId("third"), null))
                .expectError(TooManyStreamsException.class)
                .verify(TIMEOUT);
        StepVerifier.create(capped.service.start("tenant-c", null, null))
                .expectError(TooManyStreamsException.class)
                .verify(TIMEOUT);
        assertThat(capped.log.appended).as("commands written").hasSize(2);
        assertThat(capped.registry.openStreams()).isEqualTo(2);

        capped.service.end(first, StreamService.ENDED_BY_CLIENT).block(TIMEOUT);
        StepVerifier.create(capped.service.start("tenant-c", new StreamId("third"), null))
                .assertNext(session -> assertThat(session.isOpen()).isTrue())
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void shouldRefuseASendableSessionToATenantWithoutASendLeftBeforeLookingTheStreamUp() {
        StreamFixture slow = new StreamFixture(100,
                new StreamLimits(1000, 100_000, 1, 100, TenantShare.fixed(1000), Clock.systemUTC()));
        StreamKey id = slow.started("job-rate");
        slow.service.send(id, "the one send of this second").block(TIMEOUT);

        StepVerifier.create(slow.service.sendableSession(id))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(LimitExceededException.class))
                .verify(TIMEOUT);
        StepVerifier.create(slow.service.sendableSession(StreamFixture.key("unknown")))
                .expectErrorSatisfies(error -> assertThat(error).as("the rate is asked first")
                        .isInstanceOf(LimitExceededException.class))
                .verify(TIMEOUT);
        assertThat(slow.log.appended).filteredOn(c -> c.kind() == StreamCommand.Kind.CHUNK).hasSize(1);
    }

    @Test
    void shouldRefuseASendableSessionWhileThisNodesSendsWaitingForKafkaAreAtTheirBound() {
        StreamKey id = streams.started("job-busy");
        StreamService bounded =
                streams.serviceOn(new BoundedCommandLog(streams.log, 1, TenantShare.fixed(1), Long.MAX_VALUE));
        streams.log.holdChunks();
        Mono<Long> waiting = bounded.send(id, "waits for Kafka").cache();
        waiting.subscribe();

        StepVerifier.create(bounded.sendableSession(id))
                .expectError(CommandLogBusyException.class)
                .verify(TIMEOUT);
        StepVerifier.create(bounded.sendableSession(StreamFixture.key("unknown")))
                .expectErrorSatisfies(error -> assertThat(error).as("the bound is asked before the lookup")
                        .isInstanceOf(CommandLogBusyException.class))
                .verify(TIMEOUT);

        streams.log.releaseChunks();
        waiting.block(TIMEOUT);
        StepVerifier.create(bounded.sendableSession(id)).expectNextCount(1).expectComplete().verify(TIMEOUT);
    }

    @Test
    void shouldAnswerSendsWithIncreasingSeqs() {
        StreamKey id = streams.started("job-3");

        Long first = streams.service.send(id, "a").block(TIMEOUT);
        Long second = streams.service.send(id, "b").block(TIMEOUT);

        assertThat(second).isGreaterThan(first);
    }

    @Test
    void shouldRefuseSendsToUnknownAndEndedStreams() {
        StreamKey id = streams.started("job-4");
        streams.service.end(id, StreamService.ENDED_BY_CLIENT).block(TIMEOUT);
        int written = streams.log.appended.size();

        StepVerifier.create(streams.service.send(id, "late")).expectError(StreamConflictException.class).verify(TIMEOUT);
        StepVerifier.create(streams.service.send(StreamFixture.key("nope"), "x"))
                .expectError(StreamNotFoundException.class).verify(TIMEOUT);
        StepVerifier.create(streams.service.end(id, StreamService.ENDED_BY_CLIENT))
                .expectError(StreamConflictException.class).verify(TIMEOUT);
        assertThat(streams.log.appended).hasSize(written);
    }

    @Test
    void shouldAnswerForAStreamItKnowsOnlyOnceItHasReadTheResultsLogThroughAfterARestart() {
        StreamKey known = streams.started("job-known");
        StreamKey open = streams.started("job-open");
        StreamFixture.Replaying restarted = new StreamFixture.Replaying();
        StreamService replaying = streams.serviceSeeing(restarted);

        CompletableFuture<Long> send = replaying.send(known, "early").toFuture();
        CompletableFuture<Void> end = replaying.end(known, StreamService.ENDED_BY_CLIENT).toFuture();
        CompletableFuture<StreamSession> start = replaying.start("", open.id(), null).toFuture();
        assertThat(List.of(send, end, start)).as("answered from what a replay has read so far (its end may be"
                + " further on)").noneMatch(CompletableFuture::isDone);
        int written = streams.log.appended.size();

        restarted.reachTheEnd();
        assertThat(send.join()).isPositive();
        end.join();
        assertThat(start).failsWithin(TIMEOUT).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(StreamConflictException.class);
        assertThat(streams.log.appended).as("the send and the end, once current").hasSize(written + 2);
    }

    @Test
    void shouldLetTheClientRetryAnEndThatKafkaDidNotTake() {
        StreamKey id = streams.started("job-5");
        streams.log.failWith(new CommandLogUnavailableException("broker down", null));

        StepVerifier.create(streams.service.end(id, StreamService.ENDED_BY_CLIENT))
                .expectError(CommandLogUnavailableException.class).verify(TIMEOUT);

        assertThat(streams.session(id).isOpen()).isTrue();
    }

    @Test
    void shouldNotAnswerAStartAsASuccessUntilAProcessorHasConfirmedIt() {
        streams.log.stopProcessing();

        StepVerifier.withVirtualTime(() -> streams.service.start("", new StreamId("job-11"), null))
                .expectSubscription()
                .expectNoEvent(StreamService.START_SEEN_TIMEOUT.minusSeconds(1))
                .thenAwait(Duration.ofSeconds(1))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(StartNotConfirmedException.class)
                        .extracting(e -> ((StartNotConfirmedException) e).streamId().value()).isEqualTo("job-11"))
                .verify(TIMEOUT);
        assertThat(streams.log.appended).as("stored: it opens once a processor takes it").hasSize(1);
    }

    @Test
    void shouldAnswerAGeneratedIdsStartWithNoProcessorRunningAndAnotherGatewayKnowingItAtOnce() {
        StreamService other = streams.anotherGateway();
        streams.log.stopProcessing();

        StreamSession started = streams.service.start("", null, "echo").block(TIMEOUT);

        assertThat(started.isOpen()).isTrue();
        StepVerifier.create(other.session(started.key()))
                .assertNext(known -> assertThat(known.processor()).as("the other gateway's session").isEqualTo("echo"))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(streams.log.appended).as("the start is stored for a processor to take")
                .extracting(StreamCommand::kind).containsExactly(StreamCommand.Kind.START);
    }

    @Test
    void shouldForgetAGeneratedIdsStartThatKafkaDidNotTake() {
        streams.log.failWith(new CommandLogUnavailableException("broker down", null));

        StepVerifier.create(streams.service.start("", null, null))
                .expectError(CommandLogUnavailableException.class).verify(TIMEOUT);

        assertThat(streams.registry.sessions()).isEmpty();
        assertThat(streams.registry.openStreams()).as("open streams counted for the tenant's limit").isZero();
    }

    @Test
    void shouldAnswerAStartOffTheThreadThatSawItConfirmed() {
        // In the app the results feed confirms starts on its one consumer thread, which a burst of starts answered
        // there would hold; the in-memory log confirms on the appending thread: this one.
        Thread confirming = Thread.currentThread();

        StepVerifier.create(streams.service.start("", new StreamId("job-12"), null).map(started -> Thread.currentThread()))
                .assertNext(answeredOn -> assertThat(answeredOn).isNotSameAs(confirming))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void shouldForgetAStartThatKafkaDidNotTake() {
        streams.log.failWith(new CommandLogUnavailableException("broker down", null));

        StepVerifier.create(streams.service.start("", new StreamId("job-6"), null))
                .expectError(CommandLogUnavailableException.class).verify(TIMEOUT);

        assertThat(streams.registry.find(StreamFixture.key("job-6"))).isEmpty();
    }

    @Test
    void shouldWriteTheEndMarkerOnlyAfterSendsAlreadyInFlight() {
        StreamKey id = streams.started("job-7");
        streams.log.holdChunks();
        Mono<Long> send = streams.service.send(id, "in flight").cache();
        send.subscribe();
        Mono<Void> end = streams.service.end(id, StreamService.ENDED_BY_CLIENT).cache();
        end.subscribe();

        StepVerifier.create(streams.service.send(id, "after the end began"))
                .expectError(StreamConflictException.class)
                .verify(TIMEOUT);
        assertThat(streams.log.appended).extracting(StreamCommand::kind).containsExactly(StreamCommand.Kind.START);

        streams.log.releaseChunks();
        send.block(TIMEOUT);
        end.block(TIMEOUT);

        assertThat(streams.log.appended).extracting(StreamCommand::kind)
                .containsExactly(StreamCommand.Kind.START, StreamCommand.Kind.CHUNK, StreamCommand.Kind.END);
        assertThat(streams.session(id).results()).isEqualTo(1);
    }

    /**
     * A send is admitted when it is subscribed to, not when it is made: a WebSocket that closed just as its last batch
     * was taken made the batch's send and never subscribed to it, and the stream's end then waited for it for ever
     * (its end request hung, the stream stayed ENDING).
     */
    @Test
    void shouldNotMakeAnEndWaitForASendNeverSubscribedTo() {
        StreamKey id = streams.started("job-7b");
        StreamSession session = streams.session(id);
        streams.service.sendAll(session, List.of("made, never subscribed to"));
        streams.service.send(session, "nor this one", null);

        StepVerifier.create(streams.service.end(id, StreamService.ENDED_BY_CLIENT)).expectComplete().verify(TIMEOUT);
        assertThat(streams.log.appended).extracting(StreamCommand::kind)
                .containsExactly(StreamCommand.Kind.START, StreamCommand.Kind.END);
    }

    @Test
    void shouldMakeARetriedEndWaitForSendsAdmittedAfterTheFailedOne() {
        StreamKey id = streams.started("job-8");
        streams.log.failWith(new CommandLogUnavailableException("broker down", null));
        StepVerifier.create(streams.service.end(id, StreamService.ENDED_BY_CLIENT))
                .expectError(CommandLogUnavailableException.class).verify(TIMEOUT);
        streams.log.failWith(null);

        streams.log.holdChunks();
        Mono<Long> send = streams.service.send(id, "sent between the two ends").cache();
        send.subscribe();
        Mono<Void> retriedEnd = streams.service.end(id, StreamService.ENDED_BY_CLIENT).cache();
        retriedEnd.subscribe();
        assertThat(streams.log.appended).extracting(StreamCommand::kind).containsExactly(StreamCommand.Kind.START);

        streams.log.releaseChunks();
        send.block(TIMEOUT);
        retriedEnd.block(TIMEOUT);
        assertThat(streams.log.appended).extracting(StreamCommand::kind)
                .containsExactly(StreamCommand.Kind.START, StreamCommand.Kind.CHUNK, StreamCommand.Kind.END);
    }

    @Test
    void shouldRefuseNewStreamsButFinishOpenOnesOnceDraining() {
        StreamKey id = streams.started("job-9");

        streams.service.drain();

        StepVerifier.create(streams.service.start("", new StreamId("job-10"), null))
                .expectError(ShuttingDownException.class).verify(TIMEOUT);
        assertThat(streams.registry.find(StreamFixture.key("job-10"))).isEmpty();
        assertThat(streams.service.send(id, "still taken").block(TIMEOUT)).isNotNull();
        streams.service.end(id, StreamService.ENDED_BY_CLIENT).block(TIMEOUT);
        assertThat(streams.log.appended).extracting(StreamCommand::kind)
                .containsExactly(StreamCommand.Kind.START, StreamCommand.Kind.CHUNK, StreamCommand.Kind.END);
    }

    @Test
    void shouldScopeIdsPerTenant() {
        StreamSession ofA = streams.service.start("tenant-a", new StreamId("job-1"), null).block(TIMEOUT);
        StreamSession ofB = streams.service.start("tenant-b", new StreamId("job-1"), "echo").block(TIMEOUT);
        streams.service.send(ofB.key(), "b's chunk").block(TIMEOUT);

        assertThat(ofA.key()).isNotEqualTo(ofB.key());
        assertThat(ofA.results()).isZero();
        assertThat(ofB.results()).isEqualTo(1);
        assertThat(streams.log.appended).extracting(StreamCommand::streamId)
                .containsExactly("tenant-a:job-1", "tenant-b:job-1", "tenant-b:job-1");
        StepVerifier.create(streams.service.send(new StreamKey("tenant-c", new StreamId("job-1")), "x"))
                .expectError(StreamNotFoundException.class)
                .verify(TIMEOUT);
    }

    @Test
    void shouldCountATenantOnlyWhileItHasAStreamOpen() {
        StreamSession first = streams.service.start("tenant-a", new StreamId("job-1"), null).block(TIMEOUT);
        StreamSession second = streams.service.start("tenant-a", new StreamId("job-2"), null).block(TIMEOUT);
        assertThat(streams.registry.tenantsWithOpenStreams()).isEqualTo(1);

        streams.service.end(first.key(), StreamService.ENDED_BY_CLIENT).block(TIMEOUT);
        assertThat(streams.registry.tenantsWithOpenStreams()).as("one stream still open").isEqualTo(1);
        streams.service.end(second.key(), StreamService.ENDED_BY_CLIENT).block(TIMEOUT);
        assertThat(streams.registry.tenantsWithOpenStreams()).isZero();
        assertThat(streams.service.start("tenant-a", new StreamId("job-3"), null).block(TIMEOUT)).isNotNull();
    }

    @Test
    void shouldStoreARepeatedIdempotencyKeyOnceAndAnswerTheSameSeq() {
        StreamKey id = streams.started("job-8");
        streams.log.holdChunks();
        Mono<Long> first = streams.service.send(session(id), "once", "retry-me");
        Mono<Long> concurrentRetry = streams.service.send(session(id), "once", "retry-me");
        java.util.concurrent.CompletableFuture<Long> firstAnswer = first.toFuture();
        java.util.concurrent.CompletableFuture<Long> retryAnswer = concurrentRetry.toFuture();
        streams.log.releaseChunks();

        long seq = firstAnswer.join();
        assertThat(retryAnswer.join()).isEqualTo(seq);
        assertThat(streams.service.send(session(id), "once", "retry-me").block(TIMEOUT)).isEqualTo(seq);
        assertThat(streams.service.send(session(id), "other", "another-key").block(TIMEOUT)).isNotEqualTo(seq);
        assertThat(streams.log.appended).filteredOn(c -> c.kind() == StreamCommand.Kind.CHUNK).hasSize(2);
    }

    @Test
    void shouldRefuseAnIdempotencyKeyUsedAgainForOtherDataAndStoreNothing() {
        StreamKey id = streams.started("job-11");
        long seq = streams.service.send(session(id), "first", "reused").block(TIMEOUT);

        StepVerifier.create(streams.service.send(session(id), "second", "reused"))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(IdempotencyKeyReusedException.class)
                        .hasMessageContaining("'reused'"))
                .verify(TIMEOUT);

        assertThat(streams.service.send(session(id), "first", "reused").block(TIMEOUT)).as("a true retry").isEqualTo(seq);
        assertThat(streams.log.appended).filteredOn(c -> c.kind() == StreamCommand.Kind.CHUNK)
                .extracting(StreamCommand::data).containsExactly("first");
    }

    @Test
    void shouldKnowAKeysDataFromTheResultsLogAcrossARestart() {
        StreamKey id = streams.started("job-12");
        long seq = streams.service.send(session(id), "before a restart", "k").block(TIMEOUT);

        IdempotencyKeys restarted = streams.replayedRegistry().require(id).idempotencyKeys();

        assertThat(restarted.outcome(IdempotencyKeys.KeyedSend.of("k", "before a restart"), 0,
                since -> { throw new AssertionError("must not send again"); }).getNow(-1L)).isEqualTo(seq);
        assertThat(restarted.outcome(IdempotencyKeys.KeyedSend.of("k", "other data"), 0,
                since -> { throw new AssertionError("must not send again"); }))
                .isCompletedExceptionally();
    }

    @Test
    void shouldTakeAKeyLearnedWithoutADigestAsARepeatWhateverItsData() {
        IdempotencyKeys keys = new IdempotencyKeys(8, () -> Long.MAX_VALUE, new AtomicInteger());
        keys.stored("written-before-digests", 7);

        assertThat(keys.outcome(IdempotencyKeys.KeyedSend.of("written-before-digests", "anything"), 0,
                since -> { throw new AssertionError("must not send again"); }).getNow(-1L)).isEqualTo(7);
    }

    @Test
    void shouldTryAgainWhenTheFirstAttemptWithAnIdempotencyKeyFailed() {
        StreamKey id = streams.started("job-9");
        streams.log.failWith(new CommandLogUnavailableException("broker down", null));
        expectUnavailable(id, "x", "key-1");

        streams.log.failWith(null);

        assertThat(streams.service.send(session(id), "x", "key-1").block(TIMEOUT)).isNotNull();
        assertThat(streams.log.appended).filteredOn(c -> c.kind() == StreamCommand.Kind.CHUNK).hasSize(1);
    }

    @Test
    void shouldAnswerARetryTheSeqOfTheCopyKafkaTookWhenTheFirstAttemptFailedAfterStoringIt() {
        StreamKey id = streams.started("job-13");
        streams.log.stopProcessing();
        streams.log.storeNextChunkButFail(NO_ANSWER);
        expectUnavailable(id, "once", "key-1");
        long stored = streams.log.appended.size() - 1;

        streams.clock.advance(Duration.ofSeconds(30));
        long retried = streams.service.send(session(id), "once", "key-1").block(TIMEOUT);
        long again = streams.service.send(session(id), "once", "key-1").block(TIMEOUT);
        streams.log.resumeProcessing();

        assertThat(List.of(retried, again)).as("the retry's answers").containsExactly(stored, stored);
        assertThat(streams.log.appended).as("the first attempt and the retry")
                .filteredOn(c -> c.kind() == StreamCommand.Kind.CHUNK).hasSize(2);
        assertThat(streams.log.results).filteredOn(r -> r.kind() == StreamResult.Kind.RESULT)
                .extracting(StreamResult::seq).as("results: the first copy's alone").containsExactly(stored);
    }

    @Test
    void shouldStoreARetryAfterUncertainForAsANewChunk() {
        StreamKey id = streams.started("job-14");
        streams.log.storeNextChunkButFail(NO_ANSWER);
        expectUnavailable(id, "twice", "key-1");

        streams.clock.advance(IdempotencyKeys.UNCERTAIN_FOR.plusMillis(1));
        long retried = streams.service.send(session(id), "twice", "key-1").block(TIMEOUT);

        assertThat(retried).isEqualTo(streams.log.appended.size() - 1);
        assertThat(streams.log.results).filteredOn(r -> r.kind() == StreamResult.Kind.RESULT).hasSize(2);
    }

    /** A keyed send the log fails as Kafka's producer does when it gives up waiting. */
    private void expectUnavailable(StreamKey id, String data, String idempotencyKey) {
        StepVerifier.create(streams.service.send(session(id), data, idempotencyKey))
                .expectError(CommandLogUnavailableException.class).verify(TIMEOUT);
    }

    private StreamSession session(StreamKey id) {
        return streams.service.session(id).block(TIMEOUT);
    }
}
