package io.streamgate.processing.builtin;

import static io.streamgate.processing.builtin.TestStreams.outputs;
import static io.streamgate.processing.builtin.TestStreams.stream;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;

import io.streamgate.processing.Output;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WordsTest {

    @Test
    void shouldTakeForASpaceExactlyWhatUnicodeCallsWhiteSpace() {
        Pattern whiteSpace = Pattern.compile("\\p{IsWhite_Space}");
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            boolean unicode = whiteSpace.matcher(Character.toString(codePoint)).matches();
            assertThat(Words.isSpace(codePoint)).as("U+%04X", codePoint).isEqualTo(unicode);
        }
    }

    @Test
    void shouldFindWordsBetweenAnyRunsOfSpace() {
        assertThat(Words.of("  the\tquick\u00A0brown\u0085fox\u2003\u3000")).containsExactly("the", "quick", "brown",
                "fox");
        assertThat(Words.of("a\u001Cb")).as("an information separator is no space").containsExactly("a\u001Cb");
        assertThat(Words.of("😀 😀")).containsExactly("😀", "😀");
        assertThat(Words.of("")).isEmpty();
        assertThat(Words.of(" \n\u00A0")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "one", " one two ", "a\u00A0b\u2003c", "a\u0085b", "a\u001Cb", "😀 😀",
            "line\r\nbreaks\u2028and\u2029paragraphs"})
    void shouldCountWhatSplitYields(String text) {
        int yielded = outputs(new SplitProcessor(), text, stream()).size();
        Output counted = outputs(new WordCountProcessor(), text, stream()).get(0);

        assertThat(Words.of(text)).hasSize(Words.count(text));
        assertThat(counted.fields()).as("wordcount of %s", Words.of(text)).containsEntry("words", (long) yielded);
    }
}
