package io.streamgate.processing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Named running counters of one stream, kept by the processor between chunks. Not thread-safe by design. */
public final class StreamState {

    private final Map<String, Long> counters = new LinkedHashMap<>();

    /** Adds {@code delta} to the counter and returns its new value. */
    public long add(String counter, long delta) {
        return counters.merge(counter, delta, Long::sum);
    }

    public long get(String counter) {
        return counters.getOrDefault(counter, 0L);
    }

    public Map<String, Long> counters() {
        return Collections.unmodifiableMap(counters);
    }
}
