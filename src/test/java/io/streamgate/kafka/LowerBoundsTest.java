package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** How the retries of a partition share the questions for their lower bounds. */
class LowerBoundsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final TopicPartition P0 = new TopicPartition("requests", 0);
    private static final TopicPartition P1 = new TopicPartition("requests", 1);

    /** The questions asked, as "partition since", each answered when the test says. */
    private final List<String> asked = new ArrayList<>();
    private final List<Sinks.One<Long>> answers = new ArrayList<>();
    private final LowerBounds bounds = new LowerBounds((partition, since) -> {
        asked.add(partition.partition() + " " + since);
        Sinks.One<Long> answer = Sinks.one();
        answers.add(answer);
        return answer.asMono();
    });

    @Test
    void shouldAskOnceForTheRetriesThatCameWhileAQuestionWasOutForTheEarliestOfThem() {
        Mono<Long> first = bounds.of(P0, 300).cache();
        first.subscribe();
        Mono<Long> second = bounds.of(P0, 200).cache();
        second.subscribe();
        Mono<Long> third = bounds.of(P0, 100).cache();
        third.subscribe();
        Mono<Long> otherPartition = bounds.of(P1, 250).cache();
        otherPartition.subscribe();
        assertThat(asked).as("while the first question is out").containsExactly("0 300", "1 250");

        answers.get(0).tryEmitValue(30L);
        assertThat(asked).as("once it is answered").containsExactly("0 300", "1 250", "0 100");
        answers.get(2).tryEmitValue(10L);
        answers.get(1).tryEmitValue(25L);

        StepVerifier.create(first).expectNext(30L).expectComplete().verify(TIMEOUT);
        StepVerifier.create(second).expectNext(10L).expectComplete().verify(TIMEOUT);
        StepVerifier.create(third).expectNext(10L).expectComplete().verify(TIMEOUT);
        StepVerifier.create(otherPartition).expectNext(25L).expectComplete().verify(TIMEOUT);
        StepVerifier.create(bounds.of(P0, 400)).then(() -> answers.get(3).tryEmitValue(40L)).expectNext(40L)
                .expectComplete().verify(TIMEOUT);
        assertThat(asked).as("a retry after the others, alone").containsExactly("0 300", "1 250", "0 100", "0 400");
    }

    @Test
    void shouldTellTheRetriesAskedForOfAFailedQuestionAndAskForThoseThatCameMeanwhile() {
        Mono<Long> failed = bounds.of(P0, 300).cache();
        failed.subscribe(bound -> { }, failure -> { });
        Mono<Long> later = bounds.of(P0, 200).cache();
        later.subscribe();

        answers.get(0).tryEmitError(new IllegalStateException("Kafka did not answer"));
        answers.get(1).tryEmitValue(20L);

        StepVerifier.create(failed).expectErrorMessage("Kafka did not answer").verify(TIMEOUT);
        StepVerifier.create(later).expectNext(20L).expectComplete().verify(TIMEOUT);
        assertThat(asked).containsExactly("0 300", "0 200");
    }
}
