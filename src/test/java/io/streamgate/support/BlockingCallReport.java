package io.streamgate.support;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints and writes {@link BlockingCalls} when a test JVM's plan ends. Registered through {@code META-INF/services}.
 */
public final class BlockingCallReport implements TestExecutionListener {

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        BlockingCalls.report();
    }
}
