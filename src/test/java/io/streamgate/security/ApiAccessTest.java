package io.streamgate.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiAccessTest {

    @Test
    void shouldTellWhenOneTenantIsAllThereCanBe() {
        assertThat(new ApiAccess(0, false).oneTenant()).as("open: the empty tenant").isTrue();
        assertThat(new ApiAccess(1, false).oneTenant()).as("one key").isTrue();
        assertThat(new ApiAccess(2, false).oneTenant()).as("two keys").isFalse();
        assertThat(new ApiAccess(1, true).oneTenant()).as("JWT subjects, any number").isFalse();
        assertThat(new ApiAccess(0, true).oneTenant()).isFalse();
    }

    @Test
    void shouldDescribeItselfForTheReadyLine() {
        assertThat(new ApiAccess(0, false).describe()).isEqualTo("open API (no keys)");
        assertThat(new ApiAccess(2, false).describe()).isEqualTo("2 API key(s)");
        assertThat(new ApiAccess(0, true).describe()).isEqualTo("JWT");
        assertThat(new ApiAccess(2, true).describe()).isEqualTo("2 API key(s) and JWT");
    }
}
