package io.streamgate.http;

/** A request body or chunk over its configured limit; answered with 413. */
final class PayloadTooLargeException extends RuntimeException {

    PayloadTooLargeException(String detail) {
        super(detail, null, false, false);
    }
}
