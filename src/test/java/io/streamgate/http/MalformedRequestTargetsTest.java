package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MalformedRequestTargetsTest {

    /** Targets Spring takes, those the plain scan passes and those it leaves to java.net.URI alike. */
    @ParameterizedTest
    @ValueSource(strings = {"/stream/abc-1.2_3~/send", "/stream/a%2Fb/start", "/stream/caf%C3%a9", "/x?q=a%20b&c=d;e",
            "/x?list=[1,2]", "/stream/j\u043eb/start", "/x#fragment", "*", "http://localhost:8080/stream/x",
            "/!$&'()*+,;=:@"})
    void shouldPassTargetsThatAreUris(String target) {
        assertThat(MalformedRequestTargets.isUri(target)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/stream/%zz", "/stream/%2", "/stream/%", "/x?q=%g1", "/a\"b", "/a{b}", "/a|b", "/a\\b",
            "/a^b", "/a`b", "/a<b>", "/a[b]", "/x#a#b", "/a\u0001b", "/a\u007fb"})
    void shouldRefuseTargetsThatAreNot(String target) {
        assertThat(MalformedRequestTargets.isUri(target)).isFalse();
    }

    /**
     * The route and Spring agree on every character in a path and in a query: a target is refused exactly when Spring
     * could not build its URI (as it does, the base URL in front).
     */
    @Test
    void shouldRefuseExactlyWhatSpringCannotParse() {
        List<String> disagreements = new ArrayList<>();
        for (char c = 0; c < 0x250; c++) {
            for (String target : List.of("/stream/a" + c + "b", "/stream/x?q=a" + c + "b", "/stream/%" + c + "0")) {
                if (MalformedRequestTargets.isUri(target) != springParses(target)) {
                    disagreements.add(target + " (U+" + Integer.toHexString(c) + ")");
                }
            }
        }
        assertThat(disagreements).isEmpty();
    }

    private static boolean springParses(String target) {
        try {
            new URI("http://localhost:8080" + target);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
