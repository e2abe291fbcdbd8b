package io.streamgate.processing.builtin;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.streamgate.processing.Chunk;
import io.streamgate.processing.Output;
import io.streamgate.processing.StreamContext;
import io.streamgate.processing.StreamProcessor;
import io.streamgate.processing.StreamState;
import reactor.core.publisher.Flux;

/**
 * Analytics: echoes each chunk with the stream's running totals of chunks, words (those {@code split} yields, see
 * {@link Words}) and UTF-8 bytes so far. The totals are the stream's durable state, so they carry on across a failover.
 */
public final class WordCountProcessor implements StreamProcessor {

    @Override
    public String name() {
        return "wordcount";
    }

    @Override
    public boolean instant() {
        return true;
    }

    @Override
    public Flux<Output> onChunk(Chunk chunk, StreamContext stream) {
        StreamState state = stream.state();
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("chunks", state.add("chunks", 1));
        totals.put("words", state.add("words", Words.count(chunk.data())));
        totals.put("bytes", state.add("bytes", chunk.data().getBytes(StandardCharsets.UTF_8).length));
        return Flux.just(new Output(chunk.data(), totals));
    }
}
