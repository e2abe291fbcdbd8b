package io.streamgate.processing.builtin;

import static io.streamgate.processing.builtin.TestStreams.outputs;
import static io.streamgate.processing.builtin.TestStreams.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.streamgate.processing.InvalidOptionsException;
import io.streamgate.processing.Output;
import io.streamgate.processing.StreamContext;
import org.junit.jupiter.api.Test;

/** The README's example does what the README says it does. */
class WindowedWordsTest {

    private final WindowedWords processor = new WindowedWords();

    @Test
    void shouldReportEachWindowsTotalsAndStartTheNextFromZero() {
        StreamContext stream = stream(Map.of("seconds", "10"));
        processor.onStart(stream).blockLast();

        assertThat(outputs(processor, "one two", stream)).isEmpty();
        outputs(processor, "three", stream);
        Output first = processor.onTimer(stream).blockLast();
        outputs(processor, "four five six", stream);
        Output last = processor.onEnd(stream).blockLast();

        assertThat(first.data()).isEqualTo("window");
        assertThat(first.fields()).containsEntry("chunks", 2L).containsEntry("words", 3L);
        assertThat(last.data()).isEqualTo("last window");
        assertThat(last.fields()).containsEntry("chunks", 1L).containsEntry("words", 3L);
    }

    @Test
    void shouldRefuseAStartWithoutAWindowOrWithOtherOptions() {
        assertThatThrownBy(() -> processor.checkOptions(Map.of())).isInstanceOf(InvalidOptionsException.class);
        assertThatThrownBy(() -> processor.checkOptions(Map.of("seconds", "0")))
                .isInstanceOf(InvalidOptionsException.class);
        assertThatThrownBy(() -> processor.checkOptions(Map.of("seconds", "5", "x", "y")))
                .hasMessage("windowed-words takes option 'seconds': 1 to 9999");
    }
}
