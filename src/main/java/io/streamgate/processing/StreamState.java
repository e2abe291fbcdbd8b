package io.streamgate.processing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A stream's durable state: named values kept between callbacks, stored in Kafka with the stream's results (so it
 * survives a failover exactly as delivered). Not thread-safe: a stream's callbacks never run at once.
 */
public final class StreamState {

    private final Map<String, String> values;

    public StreamState() {
        this(Map.of());
    }

    private StreamState(Map<String, String> values) {
        this.values = new LinkedHashMap<>(values);
    }

    /** A state holding {@code values}, as stored. */
    public static StreamState of(Map<String, String> values) {
        return new StreamState(values);
    }

    public String get(String name) {
        return values.get(name);
    }

    public void put(String name, String value) {
        values.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    }

    public void remove(String name) {
        values.remove(name);
    }

    /** A counter's value; 0 when never set. */
    public long get(String counter, long fallback) {
        String value = values.get(counter);
        return value == null ? fallback : Long.parseLong(value);
    }

    /** Adds {@code delta} to a counter and returns its new value. */
    public long add(String counter, long delta) {
        long value = get(counter, 0) + delta;
        values.put(counter, Long.toString(value));
        return value;
    }

    /** Everything held, in the order it was first set. */
    public Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    /** An independent copy: what a callback works on, so that a failed one leaves this unchanged. */
    public StreamState copy() {
        return new StreamState(values);
    }
}
