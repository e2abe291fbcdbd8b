package io.streamgate.http;

/**
 * A line of an NDJSON send is refused ({@link #getCause()} says why and decides the status); the whole batch is
 * refused with it, and its number goes into the problem so the client can find it.
 */
final class BadLineException extends RuntimeException {

    private final int line;

    BadLineException(int line, RuntimeException cause) {
        super("Line " + line + ": " + cause.getMessage(), cause, false, false);
        this.line = line;
    }

    int line() {
        return line;
    }
}
