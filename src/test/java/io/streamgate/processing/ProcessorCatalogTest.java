package io.streamgate.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.streamgate.processing.builtin.EchoProcessor;
import io.streamgate.processing.builtin.UppercaseProcessor;
import io.streamgate.processing.builtin.WordCountProcessor;
import org.junit.jupiter.api.Test;

class ProcessorCatalogTest {

    private final ProcessorCatalog catalog =
            new ProcessorCatalog(List.of(new UppercaseProcessor(), new EchoProcessor(), new WordCountProcessor()), "uppercase");

    @Test
    void shouldUseTheDefaultWhenNoProcessorIsNamed() {
        assertThat(catalog.resolve(null).name()).isEqualTo("uppercase");
        assertThat(catalog.resolve("echo").name()).isEqualTo("echo");
    }

    @Test
    void shouldRejectAnUnknownProcessorListingTheKnownOnes() {
        assertThatThrownBy(() -> catalog.resolve("reverse"))
                .isInstanceOf(UnknownProcessorException.class)
                .hasMessageContaining("reverse")
                .hasMessageContaining("echo, uppercase, wordcount");
    }

    @Test
    void shouldRefuseTwoProcessorsWithOneName() {
        assertThatThrownBy(() -> new ProcessorCatalog(List.of(new EchoProcessor(), new EchoProcessor()), "echo"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'echo'");
    }

    @Test
    void shouldRefuseADefaultThatIsNotRegistered() {
        assertThatThrownBy(() -> new ProcessorCatalog(List.of(new EchoProcessor()), "uppercase"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uppercase");
    }

    @Test
    void shouldUpperCaseWithoutLocaleSurprises() {
        assertThat(new UppercaseProcessor().onChunk(new Chunk(1, "istanbul ß"), null).blockFirst().data())
                .isEqualTo("ISTANBUL SS");
    }
}
