package io.streamgate.processing.builtin;

import static io.streamgate.processing.builtin.TestStreams.outputs;
import static io.streamgate.processing.builtin.TestStreams.stream;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.processing.Output;
import io.streamgate.processing.StreamContext;
import org.junit.jupiter.api.Test;

class WordCountProcessorTest {

    private final WordCountProcessor processor = new WordCountProcessor();

    @Test
    void shouldKeepRunningTotalsInTheStreamsState() {
        StreamContext stream = stream();

        Output first = outputs(processor, "hello  world", stream).get(0);
        Output second = outputs(processor, " é tab\tseparated\n", stream).get(0);

        assertThat(first.data()).isEqualTo("hello  world");
        assertThat(first.fields()).containsEntry("chunks", 1L).containsEntry("words", 2L).containsEntry("bytes", 12L);
        assertThat(second.fields()).containsEntry("chunks", 2L).containsEntry("words", 5L).containsEntry("bytes", 30L);
        assertThat(stream.state().values()).containsEntry("words", "5");
    }

    @Test
    void shouldNotShareTotalsBetweenStreams() {
        outputs(processor, "one two three", stream());

        Output other = outputs(processor, "four", stream()).get(0);

        assertThat(other.fields()).containsEntry("words", 1L);
    }
}
