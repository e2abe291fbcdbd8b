package io.streamgate.http;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.event.Level;
import reactor.core.scheduler.Scheduler;

/**
 * A log line that requests write when they fail for a cause the operator must see but that strikes many at once (an
 * outage: every send in flight fails within the same second, up to {@code max-sends-in-flight}, 4,096 lines). The
 * first is logged at once; the rest of a burst are counted, and one line every {@link #WINDOW} while it goes on says
 * how many there were and the last of them. So nothing goes unsaid, and a burst costs a line per window.
 */
final class ThrottledLogLine {

    static final Duration WINDOW = Duration.ofSeconds(10);

    private final Logger log;
    private final Level level;
    private final Scheduler scheduler;
    /** Whether a line was logged less than a window ago, and a count of the lines since then is to come. */
    private final AtomicBoolean counting = new AtomicBoolean();
    private final AtomicLong unlogged = new AtomicLong();
    private final AtomicReference<String> last = new AtomicReference<>();

    ThrottledLogLine(Logger log, Level level, Scheduler scheduler) {
        this.log = log;
        this.level = level;
        this.scheduler = scheduler;
    }

    void log(String line) {
        if (counting.compareAndSet(false, true)) {
            log.atLevel(level).log(line);
            endWindowLater();
            return;
        }
        last.set(line);
        unlogged.incrementAndGet();
    }

    private void endWindow() {
        long count = unlogged.getAndSet(0);
        if (count > 0) { // the burst goes on: the next window counts too
            log.atLevel(level).log("{} more like it in the last {} s, the last: {}", count, WINDOW.toSeconds(),
                    last.get());
            endWindowLater();
            return;
        }
        counting.set(false);
        if (unlogged.get() > 0 && counting.compareAndSet(false, true)) { // counted just before the window closed
            endWindowLater();
        }
    }

    private void endWindowLater() {
        try {
            scheduler.schedule(this::endWindow, WINDOW.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            counting.set(false); // no window can end: log every line
        }
    }
}
