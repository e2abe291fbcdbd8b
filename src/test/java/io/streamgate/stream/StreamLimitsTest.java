package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.streamgate.config.TenantShare;
import org.junit.jupiter.api.Test;

class StreamLimitsTest {

    /** Two sends a second: a token comes back every 500 ms of this clock, which only the tests move. */
    private final MutableClock clock = new MutableClock();
    private final StreamLimits limits = new StreamLimits(10, 100, 2, 10, TenantShare.fixed(10), clock);

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

    @Test
    void shouldForgetATenantsBucketOnlyOnceItIsFullAgain() {
        limits.admitSends("tenant", 2);

        limits.forgetIdleTenants();
        assertThat(limits.tenantsKept()).as("a spent bucket is kept").isEqualTo(1);
        assertThatThrownBy(() -> limits.requireASend("tenant")).isInstanceOf(LimitExceededException.class);

        clock.advance(Duration.ofMillis(500));
        limits.forgetIdleTenants();
        assertThat(limits.tenantsKept()).as("half refilled, still kept").isEqualTo(1);

        clock.advance(Duration.ofMillis(500));
        limits.forgetIdleTenants();
        assertThat(limits.tenantsKept()).as("full again: what a tenant without a bucket gets").isZero();
        assertThatCode(() -> limits.admitSends("tenant", 2)).doesNotThrowAnyException();
    }

    @Test
    void shouldKeepAReaderCountOnlyWhileTheTenantHasReaders() {
        StreamFixture streams = new StreamFixture();
        StreamSession first = streams.session(streams.started("first"));
        StreamSession second = streams.session(streams.started("second"));

        Runnable firstLeaves = limits.admitReader(first);
        Runnable secondLeaves = limits.admitReader(second);
        assertThat(limits.tenantsKept()).isEqualTo(1);

        firstLeaves.run();
        assertThat(limits.tenantsKept()).as("one reader left").isEqualTo(1);
        secondLeaves.run();
        assertThat(limits.tenantsKept()).isZero();
    }

    @Test
    void shouldGiveEachTenantHalfOfTheReadersOthersLeaveSoThatTwoCannotFillTheNode() {
        StreamLimits shared = new StreamLimits(10, 100, 2, 100, TenantShare.halfOfWhatOthersLeave(8), clock);
        StreamFixture streams = new StreamFixture();
        StreamSession a = streams.session(streams.started("a", "stream"));
        StreamSession b = streams.session(streams.started("b", "stream"));
        StreamSession c = streams.session(streams.started("c", "stream"));

        admit(shared, a, 4);
        assertThatThrownBy(() -> shared.admitReader(a)).as("alone, half of the node")
                .isInstanceOfSatisfying(LimitExceededException.class, refused -> {
                    assertThat(refused.limit()).isEqualTo("readers-per-tenant");
                    assertThat(refused).hasMessage("Your streams already have 4 readers");
                });
        List<Runnable> bLeaves = admit(shared, b, 2);
        assertThatThrownBy(() -> shared.admitReader(b)).as("half of the 4 that a leaves")
                .isInstanceOf(LimitExceededException.class);
        admit(shared, c, 1);
        assertThatThrownBy(() -> shared.admitReader(c)).as("half of the 2 that a and b leave, and one stays free")
                .isInstanceOf(LimitExceededException.class);

        bLeaves.forEach(Runnable::run);
        admit(shared, c, 1);
        assertThat(c.readers()).as("what b gave back, c may take half of").isEqualTo(2);
    }

    private static List<Runnable> admit(StreamLimits limits, StreamSession session, int readers) {
        List<Runnable> leaving = new ArrayList<>();
        for (int i = 0; i < readers; i++) {
            leaving.add(limits.admitReader(session));
        }
        return leaving;
    }
}
