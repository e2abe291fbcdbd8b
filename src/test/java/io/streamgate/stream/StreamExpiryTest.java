package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.streamgate.config.TenantShare;
import io.streamgate.processing.engine.StreamResult;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class StreamExpiryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final StreamFixture streams = new StreamFixture();
    private final StreamExpiry expiry = new StreamExpiry(streams.registry, streams.service, streams.visibility,
            Duration.ofMinutes(5), Long.MAX_VALUE, streams.clock, key -> true);

    @Test
    void shouldEndAStreamIdleForTheTimeoutWithReasonIdleTimeout() {
        StreamKey idle = streams.started("idle");
        StreamKey busy = streams.started("busy");
        streams.clock.advance(Duration.ofMinutes(4));
        streams.service.send(busy, "still here").block(TIMEOUT);
        streams.clock.advance(Duration.ofMinutes(1));

        expiry.sweep().block(TIMEOUT);

        assertThat(streams.session(idle).state()).isEqualTo(StreamSession.State.ENDED);
        assertThat(streams.session(idle).endReason()).isEqualTo("idle-timeout");
        assertThat(streams.session(busy).isOpen()).isTrue();
        StepVerifier.create(streams.service.send(idle, "too late"))
                .expectError(StreamConflictException.class)
                .verify(TIMEOUT);
    }

    /**
     * A stream sent to through another gateway reaches its owner only as the commands its processor reads, and a chunk
     * may yield no result (a filter's that matches nothing): the owner counts idleness from those commands too.
     */
    @Test
    void shouldNotEndAStreamWhoseCommandsItsProcessorReadsThoughTheyYieldNoResult() {
        StreamKey filtered = streams.started("filtered");
        streams.clock.advance(Duration.ofMinutes(4));
        streams.registry.commandRead(filtered.toString(), streams.clock.millis());
        streams.clock.advance(Duration.ofMinutes(1));

        expiry.sweep().block(TIMEOUT);
        assertThat(streams.session(filtered).isOpen()).as("a chunk read a minute ago, no result since its start")
                .isTrue();

        streams.clock.advance(Duration.ofMinutes(4));
        expiry.sweep().block(TIMEOUT);
        assertThat(streams.session(filtered).endReason()).as("five minutes after that chunk")
                .isEqualTo("idle-timeout");
    }

    /** A new owner (a restart, a rebalance) has not seen the commands its predecessor read before it took over. */
    @Test
    void shouldCountIdlenessFromWhenItTookTheStreamOverAtTheEarliest() {
        StreamKey inherited = streams.started("inherited");
        streams.clock.advance(Duration.ofMinutes(10));
        long takenOverAt = streams.clock.millis();
        StreamExpiry newOwner = new StreamExpiry(streams.registry, streams.service, streams.visibility,
                Duration.ofMinutes(5), Long.MAX_VALUE, streams.clock, new StreamOwnership() {
                    @Override
                    public boolean owns(StreamKey key) {
                        return true;
                    }

                    @Override
                    public long ownedSinceMillis(StreamKey key) {
                        return takenOverAt;
                    }
                });
        streams.clock.advance(Duration.ofMinutes(4));

        newOwner.sweep().block(TIMEOUT);
        assertThat(streams.session(inherited).isOpen()).as("owned for four minutes, silent for fourteen").isTrue();

        streams.clock.advance(Duration.ofMinutes(1));
        newOwner.sweep().block(TIMEOUT);
        assertThat(streams.session(inherited).endReason()).as("owned for five minutes").isEqualTo("idle-timeout");
    }

    @Test
    void shouldNotEndAStreamAsIdleWhileTheResultsLogIsStillBeingReplayed() {
        StreamKey longOpen = streams.started("long-open");
        streams.clock.advance(Duration.ofMinutes(10));
        // A restarted instance that has read the stream's start but not yet its latest sends, somewhere further on in
        // the log: what it has read says ten minutes without a send.
        StreamFixture.Replaying restarted = new StreamFixture.Replaying();
        StreamExpiry restartedExpiry = new StreamExpiry(streams.registry, streams.service, restarted,
                Duration.ofMinutes(5), Long.MAX_VALUE, streams.clock, key -> true);

        restartedExpiry.sweep().block(TIMEOUT);
        assertThat(streams.session(longOpen).isOpen()).as("judged before the replay reached the log's end").isTrue();

        restarted.reachTheEnd();
        restartedExpiry.sweep().block(TIMEOUT);
        assertThat(streams.session(longOpen).endReason()).as("idle indeed, once the whole log is read")
                .isEqualTo("idle-timeout");
    }

    @Test
    void shouldLeaveAnIdleStreamItDoesNotOwnToItsOwner() {
        StreamKey mine = streams.started("mine");
        StreamKey theirs = streams.started("theirs");
        StreamExpiry ownerOfMineOnly = new StreamExpiry(streams.registry, streams.service, streams.visibility,
                Duration.ofMinutes(5), Long.MAX_VALUE, streams.clock, mine::equals);
        streams.clock.advance(Duration.ofMinutes(6));

        ownerOfMineOnly.sweep().block(TIMEOUT);

        assertThat(streams.session(mine).state()).isEqualTo(StreamSession.State.ENDED);
        assertThat(streams.session(theirs).isOpen()).as("another instance's duty").isTrue();
    }

    @Test
    void shouldForgetTheSendBucketsOfTenantsGoneQuiet() {
        MutableClock bucketClock = new MutableClock();
        StreamLimits limits = new StreamLimits(1000, 100_000, 10, 100, TenantShare.fixed(1000), bucketClock);
        StreamFixture quiet = new StreamFixture(100, limits);
        StreamKey id = quiet.started("one-send");
        quiet.service.send(id, "the only one").block(TIMEOUT);
        StreamExpiry sweeper = new StreamExpiry(quiet.registry, quiet.service, quiet.visibility,
                Duration.ofMinutes(5), Long.MAX_VALUE, quiet.clock, key -> true);

        sweeper.sweep().block(TIMEOUT);
        assertThat(limits.tenantsKept()).as("a send in this second").isEqualTo(1);
        bucketClock.advance(Duration.ofSeconds(1));
        sweeper.sweep().block(TIMEOUT);

        assertThat(limits.tenantsKept()).as("its bucket full again").isZero();
    }

    @Test
    void shouldForgetEndedStreamsAfterTheirRetention() {
        StreamKey id = streams.started("done");
        streams.service.end(id, StreamService.ENDED_BY_CLIENT).block(TIMEOUT);
        streams.clock.advance(Duration.ofMinutes(59));
        expiry.sweep().block(TIMEOUT);
        assertThat(streams.registry.find(id)).isPresent();

        streams.clock.advance(Duration.ofMinutes(2));
        expiry.sweep().block(TIMEOUT);

        assertThat(streams.registry.find(id)).isEmpty();
    }

    @Test
    void shouldCountAReplayedStreamsRetentionFromItsEnd() {
        StreamKey endedLongAgo = endedWithResults("ended-two-hours-before", 3);
        streams.clock.advance(Duration.ofMinutes(90));
        StreamKey endedLately = endedWithResults("ended-half-an-hour-before", 3);
        streams.clock.advance(Duration.ofMinutes(30)); // the gateway restarts and replays the log
        StreamRegistry replayed = streams.replayedRegistry();
        StreamExpiry afterRestart = new StreamExpiry(replayed, streams.service, streams.visibility,
                Duration.ofMinutes(5), Long.MAX_VALUE, streams.clock, key -> true);

        assertThat(replayed.find(endedLongAgo)).as("past its retention of an hour when replayed").isEmpty();
        assertThat(replayed.find(endedLately)).as("within it").isPresent();
        streams.clock.advance(Duration.ofMinutes(31));
        afterRestart.sweep().block(TIMEOUT);
        assertThat(replayed.find(endedLately)).as("an hour and a minute after its end").isEmpty();
    }

    @Test
    void shouldCountTheRetentionOfAnEndWrittenByAClockAheadOfThisOneFromNow() {
        StreamKey id = streams.started("ahead");
        long anHourAhead = streams.clock.millis() + Duration.ofHours(1).toMillis();
        streams.registry.apply(new StreamResult(StreamResult.Kind.ENDED, id.value(), 99, "{\"reason\":\"client\"}",
                null, "client", null, null), 99, anHourAhead);
        assertThat(streams.session(id).state()).isEqualTo(StreamSession.State.ENDED);
        streams.clock.advance(Duration.ofMinutes(61));

        expiry.sweep().block(TIMEOUT);

        assertThat(streams.registry.find(id)).as("ended 61 minutes ago by this gateway's clock").isEmpty();
    }

    @Test
    void shouldForgetTheStreamsThatEndedFirstOnceEndedHistoriesPassTheirBudget() {
        StreamKey first = endedWithResults("first", 3);
        streams.clock.advance(Duration.ofMinutes(1));
        StreamKey second = endedWithResults("second", 3);
        streams.clock.advance(Duration.ofMinutes(1));
        StreamKey third = endedWithResults("third", 3);
        StreamKey open = streams.started("open");
        streams.service.send(open, "x".repeat(1000)).block(TIMEOUT);
        long lastTwo = heldBy(second) + heldBy(third);
        StreamExpiry budgeted = new StreamExpiry(streams.registry, streams.service, streams.visibility,
                Duration.ofMinutes(5), lastTwo, streams.clock, key -> true);

        budgeted.sweep().block(TIMEOUT);

        assertThat(streams.registry.find(first)).as("ended first, beyond the budget").isEmpty();
        assertThat(streams.registry.find(second)).isPresent();
        assertThat(streams.registry.find(third)).isPresent();
        assertThat(streams.registry.find(open)).as("open streams are not the budget's").isPresent();
    }

    @Test
    void shouldKeepAnEndedStreamWhileItIsReadAndForgetTheNextOldestInstead() {
        StreamKey read = endedWithResults("read", 3);
        streams.clock.advance(Duration.ofMinutes(1));
        StreamKey second = endedWithResults("second", 3);
        streams.clock.advance(Duration.ofMinutes(1));
        StreamKey third = endedWithResults("third", 3);
        streams.session(read).tryAddReader(1);
        StreamExpiry budgeted = new StreamExpiry(streams.registry, streams.service, streams.visibility,
                Duration.ofMinutes(5), heldBy(third), streams.clock, key -> true);

        budgeted.sweep().block(TIMEOUT);

        assertThat(streams.registry.find(read)).as("ended first, but read").isPresent();
        assertThat(streams.registry.find(second)).as("the oldest nobody reads, beyond the budget").isEmpty();
        assertThat(streams.registry.find(third)).isPresent();

        streams.session(read).removeReader();
        streams.clock.advance(Duration.ofHours(1));
        budgeted.sweep().block(TIMEOUT);

        assertThat(streams.registry.find(read)).as("read no more, and past its retention").isEmpty();
        assertThat(streams.registry.find(third)).as("past its retention too").isEmpty();
    }

    @Test
    void shouldLeaveAStreamStartedAgainUnderTheIdOfAnEndedOneToItsOwnEnd() {
        StreamKey id = endedWithResults("again", 3);
        streams.registry.apply(new StreamResult(StreamResult.Kind.STARTED, id.value(), 99, "{}", "echo", null, null,
                "another-start"), 99, streams.clock.millis()); // another gateway's start, once this stream ended
        StreamSession startedAgain = streams.session(id);
        StreamExpiry noBudget = new StreamExpiry(streams.registry, streams.service, streams.visibility,
                Duration.ofMinutes(5), 0, streams.clock, key -> true);
        streams.clock.advance(Duration.ofHours(2));

        noBudget.sweep().block(TIMEOUT);

        assertThat(streams.registry.find(id)).as("the open stream that replaced the ended one")
                .containsSame(startedAgain);
    }

    @Test
    void shouldCountResultsInBytesOfUtf8() {
        StreamKey wide = endedWith("wide", "€".repeat(100)); // 100 characters, 300 bytes
        StreamKey narrow = endedWith("narrow", "x".repeat(100)); // 100 bytes

        assertThat(heldBy(wide) - heldBy(narrow)).isEqualTo(200);
    }

    @Test
    void shouldCountWhatEachEndedStreamHoldsBesidesItsResultsAgainstTheBudget() {
        List<StreamKey> ended = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            StreamKey key = streams.started("empty-" + i);
            streams.service.end(key, StreamService.ENDED_BY_CLIENT).block(TIMEOUT);
            ended.add(key);
            streams.clock.advance(Duration.ofSeconds(1));
        }
        long endEventBytes = streams.session(ended.get(0)).log().bytes();
        long threeStreams = 3 * heldBy(ended.get(0));
        StreamExpiry budgeted = new StreamExpiry(streams.registry, streams.service, streams.visibility,
                Duration.ofMinutes(5), threeStreams, streams.clock, key -> true);

        budgeted.sweep().block(TIMEOUT);

        assertThat(10 * endEventBytes).as("their results' text alone fits the budget ten times over")
                .isLessThan(threeStreams);
        assertThat(ended).filteredOn(key -> streams.registry.find(key).isPresent())
                .as("the streams kept, their heap as the budget counts it")
                .containsExactlyElementsOf(ended.subList(7, 10));
    }

    private StreamKey endedWith(String id, String chunk) {
        StreamKey key = streams.started(id);
        streams.service.send(key, chunk).block(TIMEOUT);
        streams.service.end(key, StreamService.ENDED_BY_CLIENT).block(TIMEOUT);
        return key;
    }

    private StreamKey endedWithResults(String id, int chunks) {
        StreamKey key = streams.started(id);
        for (int i = 0; i < chunks; i++) {
            streams.service.send(key, "chunk " + i).block(TIMEOUT);
        }
        streams.service.end(key, StreamService.ENDED_BY_CLIENT).block(TIMEOUT);
        return key;
    }

    private long heldBy(StreamKey key) {
        return streams.session(key).heldBytes();
    }

    @Test
    void shouldSweepOnAnIntervalUnderVirtualTime() {
        StreamKey id = streams.started("idle");
        streams.clock.advance(Duration.ofMinutes(6));

        StepVerifier.withVirtualTime(() -> expiry.run(expiry.sweepInterval(), VirtualTimeScheduler.get()).take(1))
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(9))
                .thenAwait(Duration.ofSeconds(1))
                .expectNextCount(1)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(streams.session(id).endReason()).isEqualTo("idle-timeout");
    }
}
