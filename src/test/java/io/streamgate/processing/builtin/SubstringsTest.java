package io.streamgate.processing.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubstringsTest {

    /** Texts of two or three letters are the hard ones: their parts have long borders, and mismatches come late. */
    @Test
    void shouldAgreeWithStringContainsOnEveryPairItIsGiven() {
        Random random = new Random(15);
        for (int pair = 0; pair < 200_000; pair++) {
            String letters = pair % 2 == 0 ? "ab" : "abc";
            String text = word(random, letters, random.nextInt(48));
            String part = random.nextInt(4) == 0 && text.length() > 9
                    ? text.substring(random.nextInt(text.length() - 9)) // one it holds, long
                    : word(random, letters, 1 + random.nextInt(20));
            part = part.substring(0, Math.min(part.length(), 9 + random.nextInt(12)));

            assertThat(Substrings.contains(text, part)).as("%s in %s", part, text).isEqualTo(text.contains(part));
        }
    }

    @ParameterizedTest
    @CsvSource({
            "aabaabaabaaab, aabaabaaab, true", // the match starts inside a longer partial one
            "aabaabaabaab, aabaabaaab, false",
            "abababababc, ababababc, true",
            "xxxxxxxxxpart of it, xxxxxxxxxpart, true", // at the start
            "the end is where it is, where it is, true", // at the end
            "a text shorter, a text shorter than the part, false",
            "error: disk, error, true", // a short part: the JDK's search
            "😀😀😀😀😀x, 😀😀😀😀x, true", // surrogate pairs are chars like any other
            "😀😀😀😀😀x, \uDE00😀😀😀😀x, true",
            "😀😀😀😀😀x, 😀😀😀😀😀😀x, false"})
    void shouldFindAPartWhereverTheTextHoldsIt(String text, String part, boolean holds) {
        assertThat(Substrings.contains(text, part)).isEqualTo(holds);
    }

    @Test
    void shouldAnswerTheShapesThatMadeTheJdksSearchQuadratic() {
        String as = "a".repeat(8_192);

        assertThat(Substrings.contains(as, "a".repeat(4_095) + "b")).isFalse();
        assertThat(Substrings.contains(as + "b", "a".repeat(4_095) + "b")).isTrue();
        assertThat(Substrings.contains("ab".repeat(4_096), "ab".repeat(1_000) + "aa")).isFalse();
    }

    private static String word(Random random, String letters, int length) {
        StringBuilder word = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            word.append(letters.charAt(random.nextInt(letters.length())));
        }
        return word.toString();
    }
}
