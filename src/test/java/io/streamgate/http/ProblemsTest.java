package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.stream.CommandLogUnavailableException;
import io.streamgate.stream.CommandTooLargeException;
import io.streamgate.stream.PartlyStoredException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import reactor.core.scheduler.Schedulers;

/** The problems of commands Kafka refused or stored in part. */
class ProblemsTest {

    private static final String SEND = "/stream/s/send";

    private final Problems problems = new Problems(new StreamMetrics(new SimpleMeterRegistry(), () -> 0),
            Schedulers.parallel());

    @Test
    void shouldAnswerACommandKafkaRefusesAsTooLargeWith413NamingKafkasSettingAndNoRetry() {
        Problems.Problem problem = problems.of(new CommandTooLargeException("too large for it.requests", null), SEND);

        assertThat(problem.status().value()).isEqualTo(413);
        assertThat(problem.body().limit()).isEqualTo("max.message.bytes");
        assertThat(problem.body().detail()).contains("Nothing was stored");
        assertThat(problem.headers().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
    }

    @Test
    void shouldSayWhichPartOfABatchWasStoredAndNotAskForARetryOfTheWhole() {
        PartlyStoredException partly = new PartlyStoredException(Arrays.asList(7L, null, 9L),
                new CommandLogUnavailableException("TimeoutException: expired", null));

        Problems.Problem problem = problems.of(partly, SEND);

        assertThat(problem.status().value()).as("why the rest was not stored").isEqualTo(503);
        assertThat(problem.body().type()).isEqualTo("/problems/kafka-unavailable");
        assertThat(problem.body().seqs()).containsExactly(7L, null, 9L);
        assertThat(problem.body().detail()).startsWith("Kafka stored 2 of the batch's 3 chunks and could not store the"
                + " others durably in time").doesNotContain("nothing was stored");
        assertThat(problem.headers().containsHeader(HttpHeaders.RETRY_AFTER))
                .as("a retry of the whole would store the stored part again").isFalse();
    }

    @Test
    void shouldStillAskForARetryWhenKafkaStoredNothing() {
        Problems.Problem problem = problems.of(new CommandLogUnavailableException("TimeoutException: expired", null),
                SEND);

        assertThat(problem.body().seqs()).isNull();
        assertThat(problem.headers().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
    }
}
