package io.streamgate.support;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints every thread's stack when no test has started or finished for five minutes.
 *
 * <p>The longest test takes about 20 s, so a test JVM that quiet is frozen. Failsafe kills it later
 * ({@code forkedProcessTimeoutInSeconds}), but a kill says nothing of where it stood: one CI run froze so (every
 * Kafka client waiting for a lock nobody held) and its log told only which test came last. Registered for every
 * test JVM through {@code META-INF/services}.
 */
public final class FrozenSuiteWatchdog implements TestExecutionListener {

    private static final Duration QUIET_LIMIT = Duration.ofMinutes(5);

    private final AtomicBoolean dumped = new AtomicBoolean();
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile String lastEvent = "none yet";
    private ScheduledExecutorService timer;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "frozen-suite-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(this::check, 30, 30, TimeUnit.SECONDS);
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        timer.shutdownNow();
    }

    @Override
    public void executionStarted(TestIdentifier test) {
        progress("started " + test.getDisplayName());
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        progress("finished " + test.getDisplayName());
    }

    private void progress(String event) {
        lastEvent = event;
        lastProgressNanos = System.nanoTime();
        dumped.set(false);
    }

    /** One dump per quiet spell. */
    private void check() {
        Duration quiet = Duration.ofNanos(System.nanoTime() - lastProgressNanos);
        if (quiet.compareTo(QUIET_LIMIT) >= 0 && dumped.compareAndSet(false, true)) {
            ThreadDumps.print("no test started or finished for " + quiet.toSeconds() + " s; the last event: "
                    + lastEvent);
            // A frozen lock is often one that BlockHound's error left broken: say which calls it stopped.
            BlockingCalls.report();
        }
    }
}
