package io.streamgate.processing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WordCountProcessorTest {

    private final WordCountProcessor processor = new WordCountProcessor();

    @Test
    void shouldKeepRunningTotalsPerStream() {
        StreamState stream = new StreamState();

        ProcessedChunk first = processor.process("hello  world", stream);
        ProcessedChunk second = processor.process(" é tab\tseparated\n", stream);

        assertThat(first.data()).isEqualTo("hello  world");
        assertThat(first.fields()).containsEntry("chunks", 1L).containsEntry("words", 2L).containsEntry("bytes", 12L);
        assertThat(second.fields()).containsEntry("chunks", 2L).containsEntry("words", 5L).containsEntry("bytes", 30L);
    }

    @Test
    void shouldNotShareTotalsBetweenStreams() {
        processor.process("one two three", new StreamState());

        ProcessedChunk other = processor.process("four", new StreamState());

        assertThat(other.fields()).containsEntry("words", 1L);
    }

    @Test
    void shouldCountWordsSeparatedByAnyUnicodeSpace() {
        assertThat(WordCountProcessor.countWords("")).isZero();
        assertThat(WordCountProcessor.countWords("   ")).isZero();
        assertThat(WordCountProcessor.countWords("a\u00A0b\u2003c")).isEqualTo(3);
        assertThat(WordCountProcessor.countWords("😀 😀")).isEqualTo(2);
    }
}
