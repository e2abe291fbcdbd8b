package io.streamgate.processing.engine;

/**
 * Told of every command the processor reads, as it reads it: its stream was active then. The stream's owner judges
 * idleness by it, since a stream may be sent to through any gateway, and a chunk may yield no result (a filter's).
 */
@FunctionalInterface
public interface StreamActivity {

    /** A command of {@code streamId} was read; called on the engine's coordinator, so it must be cheap. */
    void commandRead(String streamId);
}
