package io.streamgate.stream;

/** A send under an {@code Idempotency-Key} that an earlier send of other data used: nothing is stored (422). */
public final class IdempotencyKeyReusedException extends RuntimeException {

    public IdempotencyKeyReusedException(String detail) {
        super(detail, null, false, false);
    }
}
