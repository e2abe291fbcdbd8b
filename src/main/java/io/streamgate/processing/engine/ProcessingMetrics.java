package io.streamgate.processing.engine;

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

    /** A step failed and will be tried again. */
    default void retried(String processor) {
    }
}
