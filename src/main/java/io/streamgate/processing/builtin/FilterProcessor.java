package io.streamgate.processing.builtin;

import java.util.Map;

import io.streamgate.processing.Chunk;
import io.streamgate.processing.InvalidOptionsException;
import io.streamgate.processing.Output;
import io.streamgate.processing.StreamContext;
import io.streamgate.processing.StreamProcessor;
import reactor.core.publisher.Flux;

/** Only chunks that contain the text of option {@code contains} yield a result (the chunk as it came); others none. */
public final class FilterProcessor implements StreamProcessor {

    static final String CONTAINS = "contains";

    @Override
    public String name() {
        return "filter";
    }

    @Override
    public boolean instant() {
        return true;
    }

    @Override
    public void checkOptions(Map<String, String> options) {
        String contains = options.get(CONTAINS);
        if (contains == null || contains.isEmpty()) {
            throw new InvalidOptionsException("Processor 'filter' needs option 'contains': the text a chunk must hold");
        }
        if (options.size() > 1) {
            throw new InvalidOptionsException("Processor 'filter' takes only option 'contains'");
        }
    }

    @Override
    public Flux<Output> onChunk(Chunk chunk, StreamContext stream) {
        return Substrings.contains(chunk.data(), stream.options().get(CONTAINS))
                ? Flux.just(Output.of(chunk.data()))
                : Flux.empty();
    }
}
