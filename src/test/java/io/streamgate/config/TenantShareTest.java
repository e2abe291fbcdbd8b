package io.streamgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TenantShareTest {

    @Test
    void shouldLeaveHalfOfWhatTheOthersLeaveAndAtLeastOne() {
        TenantShare half = TenantShare.halfOfWhatOthersLeave(100);

        assertThat(half.of(0)).as("alone").isEqualTo(50);
        assertThat(half.of(50)).isEqualTo(25);
        assertThat(half.of(99)).as("at least one, so that no tenant is shut out").isEqualTo(1);
        assertThat(half.of(100)).isEqualTo(1);
        assertThat(half.coversTheWhole(100)).isFalse();
    }

    @Test
    void shouldKeepAFixedShareWhateverTheOthersHold() {
        assertThat(TenantShare.fixed(30).of(90)).isEqualTo(30);
        assertThat(TenantShare.fixed(30).coversTheWhole(100)).isFalse();
        assertThat(TenantShare.fixed(100).coversTheWhole(100)).as("the only tenant's: nothing to count").isTrue();
    }
}
