package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class SharedLookupTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** Each lookup the shared one sends, answered when the test says so. */
    private final List<Sinks.One<Integer>> sent = new CopyOnWriteArrayList<>();
    private final SharedLookup<Integer> shared = new SharedLookup<>(() -> {
        Sinks.One<Integer> lookup = Sinks.one();
        sent.add(lookup);
        return lookup.asMono();
    });

    @Test
    void shouldAnswerCallersWhoAskedDuringALookupWithTheNextOneSharedByAll() {
        Mono<Integer> firstAnswer = shared.next().cache();
        firstAnswer.subscribe();
        assertThat(sent).as("one lookup, in flight").hasSize(1);

        // Asked while lookup 1 was in flight: lookup 1 may predate their question, so they must not get its answer.
        Mono<Integer> laterA = shared.next().cache();
        Mono<Integer> laterB = shared.next().cache();
        laterA.subscribe();
        laterB.subscribe();
        assertThat(sent).as("the next lookup waits for the one in flight").hasSize(1);

        sent.get(0).tryEmitValue(1);
        StepVerifier.create(firstAnswer).expectNext(1).expectComplete().verify(WAIT);
        assertThat(sent).as("one lookup for both who asked during the first").hasSize(2);

        sent.get(1).tryEmitValue(2);
        StepVerifier.create(laterA).expectNext(2).expectComplete().verify(WAIT);
        StepVerifier.create(laterB).expectNext(2).expectComplete().verify(WAIT);
        assertThat(sent).as("nobody waiting: no further lookup").hasSize(2);
    }

    @Test
    void shouldGiveAFailedLookupsErrorToItsCallersAndLookUpAfreshForTheNext() {
        Mono<Integer> failing = shared.next().cache();
        failing.subscribe(value -> { }, error -> { });
        Mono<Integer> waiting = shared.next().cache();
        waiting.subscribe();

        sent.get(0).tryEmitError(new IllegalStateException("broker unreachable"));
        StepVerifier.create(failing).expectErrorMessage("broker unreachable").verify(WAIT);

        sent.get(1).tryEmitValue(7);
        StepVerifier.create(waiting).expectNext(7).expectComplete().verify(WAIT);
    }

    @Test
    void shouldSendALookupAgainForACallerWhoAsksAfterTheLastEnded() {
        Mono<Integer> before = shared.next().cache();
        before.subscribe();
        sent.get(0).tryEmitValue(1);
        StepVerifier.create(before).expectNext(1).expectComplete().verify(WAIT);

        Mono<Integer> after = shared.next().cache();
        after.subscribe();
        assertThat(sent).hasSize(2);
        sent.get(1).tryEmitValue(2);
        StepVerifier.create(after).expectNext(2).expectComplete().verify(WAIT);
    }
}
