package io.streamgate.processing.builtin;

import io.streamgate.processing.Chunk;
import io.streamgate.processing.Output;
import io.streamgate.processing.StreamContext;
import io.streamgate.processing.StreamProcessor;
import reactor.core.publisher.Flux;

/** One result per word of a chunk ({@link Words}), in order; none for a chunk of only spaces. */
public final class SplitProcessor implements StreamProcessor {

    @Override
    public String name() {
        return "split";
    }

    @Override
    public boolean instant() {
        return true;
    }

    @Override
    public Flux<Output> onChunk(Chunk chunk, StreamContext stream) {
        return Flux.fromIterable(Words.of(chunk.data())).map(Output::of);
    }
}
