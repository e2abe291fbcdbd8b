package io.streamgate.processing.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class StreamCommandTest {

    private static final StreamCommand KEYED = StreamCommand.chunk("s", "echo", "data", "key digest");

    @Test
    void shouldTakeAChunkOfTheStreamUnderTheSameRecordedKeyForACopy() {
        assertThat(StreamCommand.chunk("s", "echo", "data", "key digest").isCopyOf(KEYED)).isTrue();
    }

    @Test
    void shouldTakeNothingElseForACopy() {
        assertThat(StreamCommand.chunk("other", "echo", "data", "key digest").isCopyOf(KEYED)).as("another stream")
                .isFalse();
        assertThat(StreamCommand.chunk("s", "echo", "data", "other digest").isCopyOf(KEYED)).as("another key")
                .isFalse();
        assertThat(StreamCommand.start("s", "echo", Map.of(), "start-1").isCopyOf(KEYED)).as("a start").isFalse();
        assertThat(StreamCommand.end("s", "client").isCopyOf(KEYED)).as("an end").isFalse();
        StreamCommand unkeyed = StreamCommand.chunk("s", "echo", "data", null);
        assertThat(unkeyed.isCopyOf(unkeyed)).as("a chunk sent without a key").isFalse();
    }
}
