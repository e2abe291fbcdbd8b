package io.streamgate.processing.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExcerptsTest {

    @Test
    void shouldKeepATextUpToItsLimitAndCutALongerOneWithAnEllipsis() {
        assertThat(Excerpts.of("disk full", 9)).isEqualTo("disk full");
        assertThat(Excerpts.of("disk full!", 9)).isEqualTo("disk ful…");
        assertThat(Excerpts.of("x".repeat(20_000), Excerpts.FOR_OPERATORS)).hasSize(Excerpts.FOR_OPERATORS);
    }

    @Test
    void shouldNotCutACharacterInHalf() {
        assertThat(Excerpts.of("abc😀def", 5)).as("the emoji's two chars would be the 4th and 5th").isEqualTo("abc…");
        assertThat(Excerpts.of("ab😀def", 5)).isEqualTo("ab😀…");
    }
}
