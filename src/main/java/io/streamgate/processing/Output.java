package io.streamgate.processing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One result a processor emits. Readers get it as an SSE {@code result} event whose data is
 * {@code {"seq": <the chunk it came from>, "data": <data>, ...fields}}.
 *
 * @param data   the processed text
 * @param fields extra top-level fields of the result (for example running counts), in order; never {@code seq} or
 *               {@code data}. Values are what Jackson writes: strings, numbers, booleans, lists, maps
 */
public record Output(String data, Map<String, Object> fields) {

    public Output {
        Objects.requireNonNull(data, "data");
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields)); // keeps the processor's field order
        if (fields.containsKey("seq") || fields.containsKey("data")) {
            throw new IllegalArgumentException("fields must not redefine 'seq' or 'data'");
        }
    }

    public static Output of(String data) {
        return new Output(data, Map.of());
    }
}
