package io.streamgate.processing.engine;

/**
 * A start's {@code STARTED}, written to the results log ahead of the transaction that records what the start did
 * ({@link ProcessingLog.Connection#confirmStarts}).
 *
 * @param partition the requests partition the start came from, in the assignment {@code epoch}
 */
public record StartConfirmation(int partition, long epoch, StreamResult started) {
}
