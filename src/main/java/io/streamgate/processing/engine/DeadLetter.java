package io.streamgate.processing.engine;

/**
 * A step that failed after its retries, for the dead-letter log.
 *
 * @param streamId  the stream's key
 * @param seq       the command's position in the requests log (the timer's due time for a timer)
 * @param step      {@code start}, {@code chunk}, {@code end} or {@code timer}
 * @param processor the stream's processor
 * @param data      the chunk (chunks only)
 * @param error     what went wrong
 * @param attempts  how many times it was tried
 */
public record DeadLetter(String streamId, long seq, String step, String processor, String data, String error,
                         int attempts) {
}
