package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class Utf8Test {

    @Test
    void shouldCountBytesAsTheUtf8EncoderDoes() {
        for (String text : new String[] {"", "ascii", "é", "€", "😀", "mixed é€😀 text"}) {
            assertThat(Utf8.length(text)).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void shouldRejectUnpairedSurrogatesOnly() {
        assertThat(Utf8.isWellFormed("😀 fine")).isTrue();
        assertThat(Utf8.isWellFormed("\ud800")).isFalse();
        assertThat(Utf8.isWellFormed("a\udc00b")).isFalse();
        assertThat(Utf8.isWellFormed("\ud83d")).as("high surrogate at the end").isFalse();
    }
}
