package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostHeaderRuleTest {

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost:8080", "127.0.0.1:8080", "[::1]:8080", "gateway.example.com",
            "xn--bcher-kva.example", "a_b.internal", ""})
    void shouldTakeAHostAndAnOptionalPort(String host) {
        assertThat(HostHeaderRule.isHost(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"local host", "a/b", "a\\b", "host?x", "a#b", "h\u00f6st", "a\"b", "a<b>", "a@b"})
    void shouldRefuseWhatIsNoHost(String host) {
        assertThat(HostHeaderRule.isHost(host)).isFalse();
    }
}
