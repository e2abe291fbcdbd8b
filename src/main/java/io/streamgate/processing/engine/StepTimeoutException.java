package io.streamgate.processing.engine;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** The engine's own timeout of a step ({@code streamgate.processing.chunk-timeout}); readers are told how long. */
final class StepTimeoutException extends TimeoutException {

    StepTimeoutException(Duration timeout) {
        super("it took longer than "
                + (timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms"));
    }
}
