package io.streamgate.processing.builtin;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.streamgate.processing.Chunk;
import io.streamgate.processing.Output;
import io.streamgate.processing.StreamContext;
import io.streamgate.processing.StreamProcessor;
import io.streamgate.processing.StreamState;

/** A stream as a processor sees it, for the built-ins' unit tests: its options and its state, no engine. */
final class TestStreams {

    private TestStreams() {
    }

    static StreamContext stream(Map<String, String> options) {
        StreamState state = new StreamState();
        return new StreamContext() {
            @Override
            public String streamId() {
                return "job-1";
            }

            @Override
            public Map<String, String> options() {
                return options;
            }

            @Override
            public StreamState state() {
                return state;
            }

            @Override
            public void setTimer(Duration delay) {
            }

            @Override
            public void cancelTimer() {
            }
        };
    }

    static StreamContext stream() {
        return stream(Map.of());
    }

    /** What the processor emits for one chunk. */
    static List<Output> outputs(StreamProcessor processor, String data, StreamContext stream) {
        return processor.onChunk(new Chunk(7, data), stream).collectList().block(Duration.ofSeconds(5));
    }
}
