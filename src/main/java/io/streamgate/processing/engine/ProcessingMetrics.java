package io.streamgate.processing.engine;

import java.time.Duration;
import java.util.function.LongSupplier;

/** What the engine counts; the metrics package records it. */
public interface ProcessingMetrics {

    ProcessingMetrics NONE = new ProcessingMetrics() {
    };

    /** A command was completed (with or without outputs). */
    default void stepCompleted() {
    }

    /** A processor emitted a result. */
    default void resultEmitted() {
    }

    /** A step failed after its retries and went to the dead-letter log. */
    default void deadLettered(String processor) {
    }

    /** A transaction (results, states, dead letters and the log's progress) committed after {@code took}. */
    default void committed(Duration took, int results) {
    }

    /** A step failed and will be tried again. */
    default void retried(String processor) {
    }

    /** What the streams' states take of the processor's heap, as counted against its bound ({@link StateRoom}). */
    default void stateHeld(LongSupplier bytes) {
    }
}
