package io.streamgate.processing;

/** Returns each chunk as it came. */
public final class EchoProcessor implements StreamProcessor {

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public ProcessedChunk process(String chunk, StreamState state) {
        return ProcessedChunk.of(chunk);
    }
}
