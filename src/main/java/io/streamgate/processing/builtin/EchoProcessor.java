package io.streamgate.processing.builtin;

import io.streamgate.processing.Chunk;
import io.streamgate.processing.Output;
import io.streamgate.processing.StreamContext;
import io.streamgate.processing.StreamProcessor;
import reactor.core.publisher.Flux;

/** Returns each chunk as it came. */
public final class EchoProcessor implements StreamProcessor {

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public boolean instant() {
        return true;
    }

    @Override
    public Flux<Output> onChunk(Chunk chunk, StreamContext stream) {
        return Flux.just(Output.of(chunk.data()));
    }
}
