package io.streamgate.stream;

import reactor.core.publisher.Mono;

/**
 * Lets an instance catch up with what other instances wrote before it says a stream does not exist: gateways hold
 * no state of their own, each learns every stream from the results log, a moment after the instance that started it.
 */
public interface ResultsVisibility {

    /**
     * Completes once this instance has applied every result committed to the stream's partition before the call;
     * fails with {@link ResultsNotCurrentException} when that cannot be confirmed in time.
     */
    Mono<Void> awaitCurrent(StreamKey key);

    /**
     * Whether this instance has read what the results log held when it started. Until then, what it knows of a stream
     * may be far behind the stream: its later sends not read yet (so it looks idle) or its end.
     */
    boolean replayed();

    /** Completes once {@link #replayed()}: at once if it has. */
    Mono<Void> awaitReplayed();

    /** A single instance: what it knows is all there is. */
    static ResultsVisibility immediate() {
        return new ResultsVisibility() {
            @Override
            public Mono<Void> awaitCurrent(StreamKey key) {
                return Mono.empty();
            }

            @Override
            public boolean replayed() {
                return true;
            }

            @Override
            public Mono<Void> awaitReplayed() {
                return Mono.empty();
            }
        };
    }
}
