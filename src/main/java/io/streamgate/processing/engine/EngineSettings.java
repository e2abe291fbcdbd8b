package io.streamgate.processing.engine;

import java.time.Duration;

/**
 * How the engine runs.
 *
 * @param maxConcurrentStreams streams of one partition processed at once (each strictly in order)
 * @param stepTimeout          how long a chunk's (or start's, end's, timer's) outputs may take to complete, besides
 *                             the time they wait for room ({@link OutputRoom})
 * @param retries              how often a failed step is tried again before it is dead-lettered
 * @param retryBackoff         the wait before each retry
 * @param maxPendingCommands   commands read but not yet committed, on this processor: past it, reading waits
 * @param maxPendingBytes      the same in bytes of records: past a partition's share of it, that partition's reading
 *                             waits; and, counted apart, the results waiting for their transaction: past it, steps
 *                             wait for a commit before they take more outputs, and begin only where room for their
 *                             processor's next output fits ({@link OutputRoom})
 * @param maxStateBytes        what the streams' states on this processor may take of its heap, as {@link StateRoom}
 *                             counts them: past it, a step that would leave a larger state fails
 */
public record EngineSettings(int maxConcurrentStreams, Duration stepTimeout, int retries, Duration retryBackoff,
                             int maxPendingCommands, long maxPendingBytes, long maxStateBytes) {
}
