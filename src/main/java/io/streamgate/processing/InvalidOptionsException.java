package io.streamgate.processing;

/** A stream's start named options its processor does not accept: the start is refused with 400. */
public final class InvalidOptionsException extends RuntimeException {

    public InvalidOptionsException(String message) {
        super(message, null, false, false);
    }
}
