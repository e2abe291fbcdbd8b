package io.streamgate.stream;

/**
 * The deployment, as this gateway sees it, has as many streams open as {@code streamgate.limits.open-streams} allows:
 * a bound on the heap every gateway spends on open streams, whatever the number of tenants. Nothing was written;
 * a start succeeds again once streams end.
 */
public final class TooManyStreamsException extends RuntimeException {

    /** The limit's name, as in its configuration property and the rejection metric's tag. */
    public static final String LIMIT = "open-streams";

    public TooManyStreamsException(int maxOpen) {
        super(maxOpen + " streams are open, as many as this gateway allows; start again once some have ended",
                null, false, false);
    }
}
