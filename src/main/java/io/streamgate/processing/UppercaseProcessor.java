package io.streamgate.processing;

import java.util.Locale;

/** The default processor: the chunk in upper case (locale-independent, so 'i' never becomes a dotted 'İ'). */
public final class UppercaseProcessor implements StreamProcessor {

    @Override
    public String name() {
        return "uppercase";
    }

    @Override
    public ProcessedChunk process(String chunk, StreamState state) {
        return ProcessedChunk.of(chunk.toUpperCase(Locale.ROOT));
    }
}
