package io.streamgate.stream;

import reactor.core.publisher.Mono;

/**
 * Lets an instance catch up with what other instances wrote before it says a stream does not exist: gateways hold
 * no state of their own, each learns every stream from the results log, a moment after the instance that started it.
 */
@FunctionalInterface
public interface ResultsVisibility {

    /**
     * Completes once this instance has applied every result committed to the stream's partition before the call;
     * fails with {@link ResultsNotCurrentException} when that cannot be confirmed in time.
     */
    Mono<Void> awaitCurrent(StreamKey key);

    /** A single instance: what it knows is all there is. */
    static ResultsVisibility immediate() {
        return key -> Mono.empty();
    }
}
