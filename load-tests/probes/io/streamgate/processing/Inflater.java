package io.streamgate.processing;

import reactor.core.publisher.Flux;

/**
 * The probe processor {@code inflate}: it answers each chunk with {@link #OUTPUTS} outputs, each the chunk
 * {@link #OUTPUTS} times over, as a conversion or a model server may answer a small input with large results. What a
 * processor holds of outputs it has made and not yet written (load-tests/state-heap.sh with
 * {@code PROCESSOR_NAME=inflate}; registered by {@link StateHoarder}'s main). Not instant: it runs on a worker, as such
 * work would.
 */
final class Inflater implements StreamProcessor {

    static final int OUTPUTS = 16;

    @Override
    public String name() {
        return "inflate";
    }

    @Override
    public Flux<Output> onChunk(Chunk chunk, StreamContext stream) {
        return Flux.range(1, OUTPUTS).map(output -> Output.of(chunk.data().repeat(OUTPUTS)));
    }
}
