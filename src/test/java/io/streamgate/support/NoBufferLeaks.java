package io.streamgate.support;

import java.util.stream.Collectors;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class after which Netty reports a buffer nobody released ({@link BufferLeaks}). Applied to every test
 * class ({@code junit-platform.properties} turns on the extensions listed in {@code META-INF/services}).
 *
 * <p>A leak shows once the GC has collected its buffer, so it is found after the class that made it, or, when that
 * class's objects were still reachable (a shared application context), after a later one: its report says where the
 * buffer was made and last touched, which is what names the code to fix.
 */
public final class NoBufferLeaks implements AfterAllCallback {

    private static final int LINES_SHOWN_EACH = 40;

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        BufferLeaks.Leaks leaks = BufferLeaks.take();
        if (leaks.count() > 0) {
            String dropped = leaks.count() == 1 ? "1 buffer was" : leaks.count() + " buffers were";
            throw new AssertionError(dropped + " dropped unreleased (found after "
                    + context.getDisplayName() + "); the first, with where each was last touched:\n"
                    + leaks.firstReports().stream()
                            .map(report -> report.lines().limit(LINES_SHOWN_EACH).collect(Collectors.joining("\n")))
                            .collect(Collectors.joining("\n\n")));
        }
    }
}
