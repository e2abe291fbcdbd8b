package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.stream.CommandLogBusyException;
import io.streamgate.stream.CommandLogUnavailableException;
import io.streamgate.stream.CommandTooLargeException;
import io.streamgate.stream.PartlyStoredException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import reactor.core.scheduler.Schedulers;

/** The problems of commands refused for the node's bounds, or Kafka refused or stored in part. */
class ProblemsTest {

    private static final String SEND = "/stream/s/send";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Problems problems = new Problems(new StreamMetrics(meters, () -> 0), Schedulers.parallel());

    @Test
    void shouldNameWhichBoundOfTheNodeABusyRefusalReachedInItsBodyAndItsMetric() {
        for (String limit : List.of(CommandLogBusyException.MAX_SENDS_IN_FLIGHT,
                CommandLogBusyException.MAX_BYTES_IN_FLIGHT)) {
            Problems.Problem problem = problems.of(new CommandLogBusyException(limit, "busy"), SEND);

            assertThat(problem.status().value()).isEqualTo(503);
            assertThat(problem.body().type()).isEqualTo("/problems/kafka-busy");
            assertThat(problem.body().limit()).isEqualTo(limit);
            assertThat(problem.headers().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
            assertThat(meters.counter("streamgate.limit.rejections", "limit", limit).count()).as(limit).isEqualTo(1);
        }
    }

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
