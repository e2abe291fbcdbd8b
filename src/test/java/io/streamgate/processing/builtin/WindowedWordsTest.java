package io.streamgate.processing.builtin;

import static io.streamgate.processing.builtin.TestStreams.outputs;
import static io.streamgate.processing.builtin.TestStreams.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void shouldCountWordsWhateverTheSpacesAroundThem() {
        StreamContext stream = stream(Map.of("seconds", "10"));

        outputs(processor, "  one\ttwo ", stream);
        outputs(processor, "", stream);

        assertThat(processor.onEnd(stream).blockLast().fields()).containsEntry("words", 2L);
    }

    @Test
    void shouldBeTheReadmesExampleWordForWord() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String source = Files.readString(Path.of("src/test/java/io/streamgate/processing/builtin/WindowedWords.java"));
        String example = readme.substring(readme.indexOf("@Component\nclass WindowedWords"));

        String classOnward = source.substring(source.indexOf("class WindowedWords"));
        assertThat(example).startsWith("@Component\n" + classOnward + "```");
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
