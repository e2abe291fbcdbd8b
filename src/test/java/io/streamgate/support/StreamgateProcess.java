package io.streamgate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.streamgate.StreamgateApplication;

/**
 * Streamgate in a child JVM on the tests' classpath, for tests where a real kill matters: {@link #kill()} is
 * SIGKILL (no shutdown hook, no goodbye to Kafka), {@link #terminate()} is SIGTERM. Its output goes to a file under
 * {@code target/}, named in every failure.
 */
public final class StreamgateProcess implements AutoCloseable {

    /** The application's ready line (ReadyLine), which names the URL it answers on. */
    private static final Pattern PORT = Pattern.compile("Streamgate ready.*?https?://[^\\s:/]+:(\\d+)");
    private static final String STARTED = "Streamgate ready";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final Path output;
    private final int port;

    private StreamgateProcess(Process process, Path output, int port) {
        this.process = process;
        this.output = output;
        this.port = port;
    }

    /** Starts Streamgate with {@code properties} (as command-line arguments) and waits until it has started. */
    public static StreamgateProcess start(String name, Map<String, String> properties) {
        Path output = Path.of("target", "child-processes", name + "-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                StreamgateApplication.class.getName(),
                "--server.port=0"));
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        try {
            Files.createDirectories(output.getParent());
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            try {
                return new StreamgateProcess(process, output, awaitStarted(process, output));
            } catch (RuntimeException | IOException notStarted) {
                process.destroyForcibly(); // a JVM the test cannot use must not outlive it
                throw notStarted;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int awaitStarted(Process process, Path output) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String log = Files.readString(output);
            if (log.contains(STARTED)) {
                Matcher port = PORT.matcher(log);
                if (!port.find()) {
                    throw new IllegalStateException("Started without a port? See " + output.toAbsolutePath());
                }
                return Integer.parseInt(port.group(1));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Streamgate exited with " + process.exitValue() + " while starting; see "
                        + output.toAbsolutePath());
            }
            pause();
        }
        throw new IllegalStateException("Streamgate did not start in " + START_TIMEOUT + "; see " + output.toAbsolutePath());
    }

    public int port() {
        return port;
    }

    public Path output() {
        return output;
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** SIGTERM, as an orchestrator stops a container; returns at once. */
    public void terminate() {
        process.destroy();
    }

    /** Waits up to {@code timeout} for the process to end; its exit code, or null if it is still running. */
    public Integer awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String log() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100); // polling a log file for a line; there is nothing to wait on instead
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
