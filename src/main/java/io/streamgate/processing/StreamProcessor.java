package io.streamgate.processing;

/**
 * Turns one chunk of a stream into one result. Implementations are registered as Spring beans and chosen per
 * stream by {@link #name()} when the stream starts.
 *
 * <p>A processor sees the chunks of a stream one at a time and in order, always on the same thread, so it may
 * keep running figures in the stream's {@link StreamState} without locking. It must not block: it runs inside
 * the processor's consume-transform-produce loop.
 */
public interface StreamProcessor {

    /** The name clients pass as {@code {"processor": "<name>"}}; lower case letters, digits and dashes. */
    String name();

    /** Processes one chunk. {@code state} belongs to this stream alone. */
    ProcessedChunk process(String chunk, StreamState state);
}
