package io.streamgate.stream;

/**
 * This instance could not confirm in time that it has read the results log up to now, so it cannot tell whether a
 * stream it does not know exists (another instance may have just started it). Retryable: never a 404 on a guess.
 */
public final class ResultsNotCurrentException extends RuntimeException {

    public ResultsNotCurrentException(String detail, Throwable cause) {
        super(detail, cause);
    }
}
