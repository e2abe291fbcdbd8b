package io.streamgate.support;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every blocking call BlockHound stopped in this JVM, kept so that one whose error was swallowed still shows.
 *
 * <p>BlockHound's error fails the code that made the call, but that code does not always pass it on: a throw in a
 * {@code subscribe} callback is only "dropped", and one in a static initializer leaves the class unusable, so the
 * test that fails later, on another thread, sees only {@code NoClassDefFoundError}. Kept here (distinct calls only,
 * at most {@value #MAX_KEPT}), they are printed when the test plan ends and when the suite looks frozen, and written to
 * {@code target/blocking-calls-<pid>.txt}, whose calls {@code .ci/run} lists, a line each, at the end of every run.
 */
public final class BlockingCalls {

    private static final int MAX_KEPT = 20;
    private static final int FRAMES_KEPT = 30;

    /** Each distinct call as printed (with the thread that made it), by the call and where it was made. */
    private static final Map<String, String> kept = new ConcurrentHashMap<>();
    private static final AtomicInteger total = new AtomicInteger();

    private BlockingCalls() {
    }

    /** On the thread that made the call, so nothing here waits: a concurrent map and a counter. */
    public static void record(Error error) {
        total.incrementAndGet();
        String frames = String.join("\n\tat ",
                Arrays.stream(error.getStackTrace()).limit(FRAMES_KEPT).map(String::valueOf).toList());
        if (kept.size() < MAX_KEPT) {
            kept.putIfAbsent(error.getMessage() + frames,
                    "[" + Thread.currentThread().getName() + "] " + error + "\n\tat " + frames);
        }
    }

    public static List<String> recorded() {
        return new ArrayList<>(kept.values());
    }

    /** Prints what was kept and writes it to {@code target/blocking-calls-<pid>.txt}; nothing when no call was. */
    public static void report() {
        int count = total.get();
        if (count == 0) {
            return;
        }
        print(System.out, count);
        write(count);
    }

    private static void print(PrintStream out, int count) {
        out.println("BlockHound stopped " + count + " blocking call(s) in this JVM, those BlockHoundTest makes on"
                + " purpose included; the distinct ones:");
        kept.values().forEach(out::println);
    }

    private static void write(int count) {
        Path file = Path.of("target", "blocking-calls-" + ProcessHandle.current().pid() + ".txt");
        try {
            Files.createDirectories(file.getParent());
            try (PrintStream out = new PrintStream(Files.newOutputStream(file))) {
                print(out, count);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
