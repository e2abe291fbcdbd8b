package io.streamgate.processing.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import io.streamgate.processing.ProcessingFailure;
import org.junit.jupiter.api.Test;

/**
 * What steps mean for their stream, without an engine: a stream's decisions follow from the order of its steps alone,
 * which is what lets a processor that replays them after a failover reach the same ones.
 */
class StepRulesTest {

    private static final Map<String, String> STATE = Map.of("count", "3");

    @Test
    void shouldTellReadersWhatAProcessorOrTheEngineSaysOfAFailureAndOfAnyOtherOnlyItsClass() {
        assertThat(StepRules.toReaders(new ProcessingFailure("the service answered 503"))).isEqualTo("the service answered 503");
        assertThat(StepRules.toReaders(new StepTimeoutException(Duration.ofSeconds(30)))).isEqualTo("it took longer than 30 s");
        assertThat(StepRules.toReaders(new StepTimeoutException(Duration.ofMillis(1500)))).isEqualTo("it took longer than 1500 ms");
        assertThat(StepRules.toReaders(new IllegalStateException("jdbc:postgresql://10.0.0.7/secrets refused")))
                .isEqualTo("IllegalStateException");
    }

    @Test
    void shouldRefuseAnotherStartWhileTheStreamIsOpenAndLeaveItAsItWas() {
        StoredStream open = completed(start(0, "first"), null);
        Step second = start(1, "second");

        assertThat(StepRules.refused(second, open)).isTrue();
        StoredStream after = StepRules.after(second, open, true, Map.of(), StepContext.TIMER_UNCHANGED);
        assertThat(after).isEqualTo(new StoredStream("first", "wordcount", Map.of("lang", "en"), STATE, 1, null, 0,
                false));
    }

    @Test
    void shouldOpenAnEndedStreamAgainForTheNextStart() {
        StoredStream ended = completed(end(1), completed(start(0, "first"), null));
        Step next = start(2, "next");

        assertThat(StepRules.alreadyDone(next, ended)).isFalse();
        assertThat(StepRules.refused(next, ended)).isFalse();
        assertThat(completed(next, ended)).satisfies(stream -> {
            assertThat(stream.startId()).isEqualTo("next");
            assertThat(stream.ended()).isFalse();
        });
    }

    @Test
    void shouldPassOverCommandsAlreadyDoneAndThoseAfterTheEnd() {
        StoredStream ended = completed(end(3), completed(chunk(2), completed(start(0, "first"), null)));

        assertThat(StepRules.alreadyDone(chunk(2), ended)).as("replayed").isTrue();
        assertThat(StepRules.alreadyDone(chunk(4), ended)).as("after the end").isTrue();
        assertThat(StepRules.alreadyDone(end(5), ended)).as("a second end").isTrue();
        assertThat(StepRules.alreadyDone(chunk(4), null)).as("a stream not seen yet").isFalse();
    }

    @Test
    void shouldRunATimerOnlyWhileItIsTheStreamsTimer() {
        StoredStream timed = StepRules.after(chunk(1), completed(start(0, "first"), null), false, STATE, 1_000);

        assertThat(StepRules.alreadyDone(Step.timer(1_000), timed)).isFalse();
        assertThat(StepRules.alreadyDone(Step.timer(900), timed)).as("an earlier timer, since replaced").isTrue();
        assertThat(StepRules.alreadyDone(Step.timer(1_000), completed(end(2), timed))).as("ended").isTrue();
    }

    @Test
    void shouldKeepTheTimerThroughAChunkThatLeavesItAloneButNotThroughItsOwnFiring() {
        StoredStream timed = StepRules.after(chunk(1), completed(start(0, "first"), null), false, STATE, 1_000);

        assertThat(StepRules.after(chunk(2), timed, false, STATE, StepContext.TIMER_UNCHANGED).timerDueAt())
                .isEqualTo(1_000);
        assertThat(StepRules.after(chunk(2), timed, false, STATE, 0).timerDueAt()).as("cancelled").isZero();
        assertThat(StepRules.after(Step.timer(1_000), timed, false, STATE, StepContext.TIMER_UNCHANGED).timerDueAt())
                .as("fired, not set again").isZero();
    }

    @Test
    void shouldLeaveTheStateBeforeAFailedStep() {
        StoredStream open = completed(start(0, "first"), null);

        assertThat(StepRules.stateAfterFailure(chunk(1), open)).isEqualTo(STATE);
        assertThat(StepRules.stateAfterFailure(start(0, "first"), null)).as("a start begins with none").isEmpty();
    }

    @Test
    void shouldStoreAStepUnderWayWithHowManyOfItsOutputsReadersHave() {
        StoredStream open = completed(start(0, "first"), null);

        StoredStream underWay = StepRules.inProgress(chunk(7), open, 2);

        assertThat(underWay.progress()).isEqualTo(new StoredStream.Progress("chunk", 7, 2));
        assertThat(chunk(7).alreadyEmitted(underWay)).isEqualTo(2);
        assertThat(underWay.state()).isEqualTo(STATE);
    }

    /** The stream's state once {@code step} completed, its processor leaving {@link #STATE} and the timer alone. */
    private static StoredStream completed(Step step, StoredStream before) {
        boolean refused = StepRules.refused(step, before);
        return StepRules.after(step, before, refused, STATE, StepContext.TIMER_UNCHANGED);
    }

    private static Step start(long offset, String startId) {
        return Step.of(offset, StreamCommand.start("s1", "wordcount", Map.of("lang", "en"), startId), 10);
    }

    private static Step chunk(long offset) {
        return Step.of(offset, StreamCommand.chunk("s1", "wordcount", "a b c", null), 10);
    }

    private static Step end(long offset) {
        return Step.of(offset, StreamCommand.end("s1", "client"), 10);
    }
}
