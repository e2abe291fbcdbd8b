package io.streamgate.logging;

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
 * A log line written once for each request or record that a cause the operator must see strikes, when it strikes
 * many at once: an outage fails every send in flight within the same second (up to {@code max-sends-in-flight},
 * 4,096 lines), a foreign producer on the results topic writes a line for each of its records. The first is logged at
 * once, with its cause's stack if it has one; the rest of a burst are counted, and one line every {@link #WINDOW}
 * while it goes on says how many there were and the last of them. So nothing goes unsaid, and a burst costs a line a
 * window.
 */
public final class ThrottledLogLine {

    public static final Duration WINDOW = Duration.ofSeconds(10);

    private final Logger log;
    private final Level level;
    private final Scheduler scheduler;
    /** Whether a line was logged less than a window ago, and a count of the lines since then is to come. */
    private final AtomicBoolean counting = new AtomicBoolean();
    private final AtomicLong unlogged = new AtomicLong();
    private final AtomicReference<String> last = new AtomicReference<>();

    public ThrottledLogLine(Logger log, Level level, Scheduler scheduler) {
        this.log = log;
        this.level = level;
        this.scheduler = scheduler;
    }

    public void log(String line) {
        log(line, null);
    }

    /** {@code cause}, if not null, is logged with the first line of a burst. */
    public void log(String line, Throwable cause) {
        if (counting.compareAndSet(false, true)) {
            log.atLevel(level).setCause(cause).log(line);
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
