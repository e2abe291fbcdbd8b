package io.streamgate.processing.builtin;

import static io.streamgate.processing.builtin.TestStreams.outputs;
import static io.streamgate.processing.builtin.TestStreams.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.streamgate.processing.InvalidOptionsException;
import io.streamgate.processing.Output;
import org.junit.jupiter.api.Test;

class FilterAndSplitProcessorTest {

    @Test
    void shouldPassOnlyChunksThatContainTheOptionsText() {
        FilterProcessor filter = new FilterProcessor();
        var stream = stream(Map.of("contains", "error"));

        assertThat(outputs(filter, "disk error on /dev/sda", stream)).extracting(Output::data)
                .containsExactly("disk error on /dev/sda");
        assertThat(outputs(filter, "all good", stream)).isEmpty();
    }

    @Test
    void shouldRefuseAFilterWithoutTheTextItLooksFor() {
        FilterProcessor filter = new FilterProcessor();

        assertThatThrownBy(() -> filter.checkOptions(Map.of())).isInstanceOf(InvalidOptionsException.class)
                .hasMessageContaining("contains");
        assertThatThrownBy(() -> filter.checkOptions(Map.of("contains", "x", "other", "y")))
                .isInstanceOf(InvalidOptionsException.class);
    }

    @Test
    void shouldEmitOneResultPerWordInOrder() {
        assertThat(outputs(new SplitProcessor(), "  the\tquick\u00A0brown  fox ", stream())).extracting(Output::data)
                .containsExactly("the", "quick", "brown", "fox");
        assertThat(outputs(new SplitProcessor(), " \n ", stream())).isEmpty();
    }

    @Test
    void shouldTakeNoOptionsUnlessAProcessorSaysSo() {
        assertThatThrownBy(() -> new SplitProcessor().checkOptions(Map.of("x", "y")))
                .isInstanceOf(InvalidOptionsException.class).hasMessageContaining("takes no options");
    }
}
