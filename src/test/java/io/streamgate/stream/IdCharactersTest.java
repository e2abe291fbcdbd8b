package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class IdCharactersTest {

    @Test
    void agreesWithItsRegularExpressionOnEveryCharacterAndEveryLengthAroundItsBounds() {
        for (IdCharacters ids : List.of(new IdCharacters("[A-Za-z0-9._-]", 1, 128),
                new IdCharacters("[A-Za-z0-9._@-]", 0, 128))) {
            Pattern expression = Pattern.compile(ids.pattern());
            List<String> disagreements = new ArrayList<>();
            for (int c = Character.MIN_VALUE; c <= Character.MAX_VALUE; c++) {
                for (String value : List.of(String.valueOf((char) c), "a" + (char) c + "b")) {
                    if (ids.matches(value) != expression.matcher(value).matches()) {
                        disagreements.add(value + " (U+%04X)".formatted(c));
                    }
                }
            }
            for (int length = 0; length <= 130; length++) {
                String value = "x".repeat(length);
                if (ids.matches(value) != expression.matcher(value).matches()) {
                    disagreements.add(length + " characters");
                }
            }
            assertThat(disagreements).as("values %s and the table disagree on", ids.pattern()).isEmpty();
        }
    }

    @Test
    void publishesItsRuleAsARegularExpression() {
        assertThat(new IdCharacters("[a-z]", 1, 128).pattern()).isEqualTo("[a-z]{1,128}");
        assertThat(StreamId.PATTERN).isEqualTo("[A-Za-z0-9._-]{1,128}");
    }

    @Test
    void aStreamIdIsOneTo128OfItsCharactersAndNotADotSegment() {
        assertThat(new StreamId("a".repeat(128)).value()).hasSize(128);
        assertThat(new StreamId("job-42.v1_b").value()).isEqualTo("job-42.v1_b");
        for (String invalid : new String[] {"", "a".repeat(129), ".", "..", "a:b", "a/b", "caf\u00e9", "a b", "\u0130"}) {
            assertThatThrownBy(() -> new StreamId(invalid)).as("id \"%s\"", invalid)
                    .isInstanceOf(InvalidRequestException.class);
        }
    }

    @Test
    void aTenantIsUpTo128OfItsCharacters() {
        StreamId id = new StreamId("s");
        assertThat(new StreamKey("", id).value()).isEqualTo("s");
        assertThat(new StreamKey("team@example.org", id).value()).isEqualTo("team@example.org:s");
        for (String invalid : new String[] {"a".repeat(129), "a:b", "caf\u00e9", "a b"}) {
            assertThatThrownBy(() -> new StreamKey(invalid, id)).as("tenant \"%s\"", invalid)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
