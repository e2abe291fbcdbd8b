package io.streamgate.stream;

import java.time.Duration;

/**
 * A tenant is over one of its limits; answered with 429 (and {@code Retry-After} when waiting helps). Nothing of
 * the request was written.
 *
 * @see StreamLimits
 */
public final class LimitExceededException extends RuntimeException {

    private final String limit;
    private final Duration retryAfter;

    public LimitExceededException(String limit, String detail, Duration retryAfter) {
        super(detail, null, false, false);
        this.limit = limit;
        this.retryAfter = retryAfter;
    }

    /** The limit's name, as in its configuration property and the rejection metric's tag. */
    public String limit() {
        return limit;
    }

    /** How long until a retry can succeed, or {@code null} when only releasing something helps. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
