package io.streamgate.processing.builtin;

import java.util.Locale;

import io.streamgate.processing.Chunk;
import io.streamgate.processing.Output;
import io.streamgate.processing.StreamContext;
import io.streamgate.processing.StreamProcessor;
import reactor.core.publisher.Flux;

/** The default processor: the chunk in upper case (locale-independent, so 'i' never becomes a dotted 'İ'). */
public final class UppercaseProcessor implements StreamProcessor {

    @Override
    public String name() {
        return "uppercase";
    }

    @Override
    public boolean instant() {
        return true;
    }

    @Override
    public Flux<Output> onChunk(Chunk chunk, StreamContext stream) {
        return Flux.just(Output.of(chunk.data().toUpperCase(Locale.ROOT)));
    }
}
