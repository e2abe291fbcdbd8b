package io.streamgate;

import java.util.Arrays;

import io.streamgate.support.BlockingCalls;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * BlockHound's own reaction to a blocking call (throw {@link BlockingOperationError} from it, its own frames cut off
 * the stack), with the call also kept in {@link BlockingCalls}, for the cases where the error is swallowed.
 */
public final class RecordingBlockHoundIntegration implements BlockHoundIntegration {

    private static final String CHECK_CLASS = "reactor.blockhound.BlockHoundRuntime";

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.blockingMethodCallback(method -> {
            BlockingOperationError error = new BlockingOperationError(method);
            StackTraceElement[] frames = error.getStackTrace();
            for (int i = 0; i < frames.length - 1; i++) {
                if (CHECK_CLASS.equals(frames[i].getClassName()) && "checkBlocking".equals(frames[i].getMethodName())) {
                    error.setStackTrace(Arrays.copyOfRange(frames, i + 1, frames.length));
                    break;
                }
            }
            BlockingCalls.record(error);
            throw error;
        });
    }
}
