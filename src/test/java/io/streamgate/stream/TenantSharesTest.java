package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.config.TenantShare;
import org.junit.jupiter.api.Test;

class TenantSharesTest {

    private final TenantShares shares = TenantShares.of("a-share", TenantShare.fixed(10), 100);

    @Test
    void shouldKeepEachTenantWithinItsShareApartFromTheOthers() {
        assertThat(shares.tryTake("a", 6)).isTrue();
        assertThat(shares.tryTake("a", 5)).as("past a's share").isFalse();
        assertThat(shares.tryTake("b", 10)).as("b's share is its own").isTrue();
        assertThat(shares.tryTake("a", 4)).as("up to the share").isTrue();
        assertThat(shares.held("a")).isEqualTo(10);
        assertThat(shares.held("b")).isEqualTo(10);
    }

    @Test
    void shouldForgetATenantOnceItHoldsNothing() {
        shares.tryTake("a", 3);
        shares.tryTake("a", 4);
        shares.giveBack("a", 3);
        assertThat(shares.tenantsHolding().size()).isEqualTo(1);

        shares.giveBack("a", 4);

        assertThat(shares.held("a")).isZero();
        assertThat(shares.tenantsHolding().size()).as("the map holds only tenants holding bytes").isZero();
    }

    @Test
    void shouldTakeMoreThanTheShareFromATenantHoldingNothingAndNeverRefuseNothing() {
        assertThat(shares.tryTake("a", 50)).as("a body larger than the share, alone").isTrue();
        assertThat(shares.tryTake("a", 1)).isFalse();
        assertThat(shares.tryTake("a", 0)).as("what holds nothing").isTrue();
        assertThat(shares.held("a")).isEqualTo(50);
    }

    @Test
    void shouldCountNothingForAShareAsLargeAsTheNodesBudget() {
        TenantShares whole = TenantShares.of("a-share", TenantShare.fixed(100), 100);

        assertThat(whole.tryTake("", 60)).isTrue();
        assertThat(whole.tryTake("", 60)).as("the node's budget refuses first, not a share").isTrue();
        assertThat(whole.tenantsHolding().size()).as("an open gateway's sends touch no map").isZero();
        whole.giveBack("", 60);
        assertThat(whole.tenantsHolding().size()).isZero();
    }

    @Test
    void shouldGiveEachTenantHalfOfWhatTheOthersLeaveSoThatTwoCannotFillTheNode() {
        TenantShares halves = TenantShares.of("a-share", TenantShare.halfOfWhatOthersLeave(100), 100);

        assertThat(halves.tryTake("a", 50)).as("alone, half of the node").isTrue();
        assertThat(halves.tryTake("a", 1)).isFalse();
        assertThat(halves.tryTake("b", 20)).isTrue();
        assertThat(halves.tryTake("b", 6)).as("past half of the 50 that a leaves").isFalse();
        assertThat(halves.tryTake("b", 5)).isTrue();
        assertThat(halves.tryTake("c", 12)).as("half of the 25 that a and b leave").isTrue();
        assertThat(halves.tryTake("c", 1)).isFalse();

        halves.giveBack("a", 50);
        assertThat(halves.tryTake("c", 26)).as("past half of the 75 that b leaves").isFalse();
        assertThat(halves.tryTake("c", 25)).as("what a gave back, up to half of what b leaves").isTrue();
        assertThat(halves.held("c")).isEqualTo(37);
    }
}
