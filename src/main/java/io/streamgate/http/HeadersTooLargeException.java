package io.streamgate.http;

/** Request headers over {@code streamgate.limits.max-header-size}: answered with 431, naming the limit. */
final class HeadersTooLargeException extends RuntimeException {

    static final String LIMIT = "max-header-size";

    HeadersTooLargeException(long maxBytes) {
        super("The request headers are larger than " + maxBytes + " bytes", null, false, false);
    }
}
