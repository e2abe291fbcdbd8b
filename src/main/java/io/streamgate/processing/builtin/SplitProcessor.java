package io.streamgate.processing.builtin;

import java.util.Arrays;
import java.util.regex.Pattern;

import io.streamgate.processing.Chunk;
import io.streamgate.processing.Output;
import io.streamgate.processing.StreamContext;
import io.streamgate.processing.StreamProcessor;
import reactor.core.publisher.Flux;

/** One result per whitespace-separated word of a chunk, in order (none for a chunk of only spaces). */
public final class SplitProcessor implements StreamProcessor {

    /** Any run of Unicode white space, as {@code wordcount} counts words. */
    private static final Pattern WORD_BREAKS = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

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
        String text = chunk.data().strip();
        if (text.isEmpty()) {
            return Flux.empty();
        }
        return Flux.fromIterable(Arrays.asList(WORD_BREAKS.split(text))).filter(word -> !word.isEmpty()).map(Output::of);
    }
}
