package io.streamgate.processing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The result of processing one chunk.
 *
 * @param data   the processed text, delivered to readers as the result's {@code data}
 * @param fields extra top-level fields of the result (for example running counts); never {@code seq} or {@code data}
 */
public record ProcessedChunk(String data, Map<String, Object> fields) {

    public ProcessedChunk {
        Objects.requireNonNull(data, "data");
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields)); // keeps the processor's field order
        if (fields.containsKey("seq") || fields.containsKey("data")) {
            throw new IllegalArgumentException("fields must not redefine 'seq' or 'data'");
        }
    }

    public static ProcessedChunk of(String data) {
        return new ProcessedChunk(data, Map.of());
    }
}
