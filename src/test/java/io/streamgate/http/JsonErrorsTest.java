package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgate.stream.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

/** Jackson's real messages, through the parser the gateway reads lines with: each keeps what was found, where. */
class JsonErrorsTest {

    private final JsonBodies bodies = new JsonBodies(JsonMapper.builder().build());

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            {"data":NaN}                | The line is not valid JSON at column 12: Non-standard token 'NaN'
            {"data":"a"} // note        | The line is not valid JSON at column 14: Unexpected character ('/' (code 47)): maybe a (non-standard) comment?
            {data:"a"}                  | The line is not valid JSON at column 2: Unexpected character ('d' (code 100)): was expecting double-quote to start property name
            {"data":"a","data":"b"}     | The line is not valid JSON at column 19: Duplicate Object property "data"
            """)
    void shouldSayWhatWasFoundAndWhereWithoutJacksonsHintsForProgrammers(String line, String detail) {
        assertThatThrownBy(() -> bodies.parseObject(line)).isInstanceOf(InvalidRequestException.class)
                .hasMessage(detail);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow | Non-standard token 'NaN'
            Name length (52731) exceeds the maximum allowed (50000, from `StreamReadConstraints.getMaxNameLength()`) | Name length (52731) exceeds the maximum allowed (50000)
            ~Unexpected character ('/' (code 47)): maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)~ | ~Unexpected character ('/' (code 47)): maybe a (non-standard) comment?~
            Unrecognized character escape 'q' (code 113) | Unrecognized character escape 'q' (code 113)
            `all hint` | `all hint`
            """)
    void shouldCutTheClauseThatTellsAProgrammerHowToMakeJacksonTakeIt(String message, String kept) {
        assertThat(JsonErrors.withoutHints(message)).isEqualTo(kept);
    }

    @Test
    void shouldNameTheLimitANameOrADepthWentOverWithoutJacksonsSettings() {
        String longName = "{\"" + "n".repeat(60_000) + "\":1}";
        String deep = "{\"a\":".repeat(1_100) + "1" + "}".repeat(1_100);

        // Jackson counts a name's length only as far as it had read when it stopped, and knows no place.
        assertThatThrownBy(() -> bodies.parseObject(longName))
                .hasMessageMatching("The line is not valid JSON: Name length \\(\\d+\\) exceeds the maximum allowed \\(50000\\)");
        assertThatThrownBy(() -> bodies.parseObject(deep))
                .hasMessageNotContaining("`").hasMessageNotContaining("StreamReadConstraints");
    }
}
