package io.streamgate.processing;

/**
 * A failure a processor explains to the stream's readers: once the chunk's retries are spent, the error result they
 * get for it says {@code "processing failed: <this message>"}. So the message says what went wrong in their terms
 * and holds nothing they should not see. Any other exception tells readers its class name only; its message goes to
 * the log and the dead-letter topic, where operators read it.
 */
public class ProcessingFailure extends RuntimeException {

    public ProcessingFailure(String message) {
        super(message);
    }

    public ProcessingFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
