package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class StreamLimitsTest {

    /** Two sends a second: a token comes back every 500 ms, far longer than these tests take between two calls. */
    private final StreamLimits limits = new StreamLimits(10, 100, 2, 10, 10);

    @Test
    void shouldLetASendAskWithoutTakingFromTheBudget() {
        limits.requireASend("tenant");
        limits.admitSends("tenant", 1);
        limits.requireASend("tenant");
        limits.requireASend("tenant");

        assertThatCode(() -> limits.admitSends("tenant", 1)).as("the second send of the budget, asked for twice")
                .doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseASendWhenTheBudgetIsSpentWithTheTimeUntilTheNextOne() {
        limits.admitSends("tenant", 2);

        assertThatThrownBy(() -> limits.requireASend("tenant"))
                .isInstanceOfSatisfying(LimitExceededException.class, refused -> {
                    assertThat(refused.limit()).isEqualTo("sends-per-second-per-tenant");
                    assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(500));
                });
        assertThatCode(() -> limits.requireASend("another tenant")).doesNotThrowAnyException();
    }
}
