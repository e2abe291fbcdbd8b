package streamgate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.sun.management.OperatingSystemMXBean;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Short streams, the shape of one stream per task: each of {@code clients} clients, in a closed loop, starts a stream
 * (the gateway picks its id), sends it one NDJSON batch of {@code chunks} chunks, ends it, and reads its results over
 * SSE up to the end event; then starts the next. Counts whole lifecycles per second and times each step; a lifecycle
 * with any answer but the expected one, or whose reader does not see every result and then the end, counts as failed.
 *
 * <pre>
 *   load-tests/short-streams.sh -Dclients=100 -Dseconds=30
 * </pre>
 */
public final class ShortStreams {

    private static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:8080");
    private static final int CLIENTS = Integer.getInteger("clients", 100);
    private static final int CHUNKS = Integer.getInteger("chunks", 10);
    private static final int SECONDS = Integer.getInteger("seconds", 30);
    /*
     * Unset: warm up until the gateway's JIT is quiet. Under this load the gateway compiles for minutes (six to seven
     * on the Xeon of BENCHMARKS 33, its rate rising fivefold meanwhile), so no fixed time fits every machine.
     */
    private static final Integer WARMUP_SECONDS = Integer.getInteger("warmupSeconds");
    private static final Duration WARMUP_ROUND = Duration.ofSeconds(20);
    private static final int WARMUP_ROUNDS = Integer.getInteger("warmupRounds", 45);
    /*
     * As load-tests/gateway.sh's warm_up, warm once a round's compilation is under 5% of the gateway's CPU; stricter,
     * as compilation time is elapsed time and counts a compiler thread waiting for a core.
     */
    private static final double QUIET_JIT_SHARE = 0.05;
    private static final Pattern METER_VALUE = Pattern.compile("\"value\"\\s*:\\s*([0-9.Ee+-]+)");
    private static final Pattern STREAM_ID = Pattern.compile("\"stream_id\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Histogram> stepMicros = new ConcurrentSkipListMap<>();
    private final AtomicLong lifecycles = new AtomicLong();
    private final Map<String, AtomicLong> failures = new ConcurrentSkipListMap<>();
    private final String batch;
    private volatile boolean measuring;
    private volatile boolean stopping;

    private ShortStreams() {
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= CHUNKS; i++) {
            lines.append("{\"data\":\"chunk ").append(i).append("\"}\n");
        }
        this.batch = lines.toString();
        for (String step : new String[] {"1 start", "2 batch", "3 end", "4 read to end", "5 whole lifecycle"}) {
            stepMicros.put(step, new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(5), 3));
        }
    }

    public static void main(String[] args) throws Exception {
        new ShortStreams().run();
    }

    private void run() throws Exception {
        String warmUp = WARMUP_SECONDS == null
                ? "warm-up until the gateway's JIT is quiet" : WARMUP_SECONDS + " s warm-up";
        System.out.printf("%d clients in a closed loop (start, NDJSON batch of %d, end, read to the end event) against"
                + " %s: %s, then %d s measured%n", CLIENTS, CHUNKS, BASE_URL, warmUp, SECONDS);
        CountDownLatch done = new CountDownLatch(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            Thread client = new Thread(() -> {
                try {
                    while (!stopping) {
                        lifecycle();
                    }
                } finally {
                    done.countDown();
                }
            }, "client-" + i);
            client.setDaemon(true);
            client.start();
        }
        warmUp();
        stepMicros.values().forEach(Histogram::reset);
        lifecycles.set(0);
        failures.clear();
        measuring = true;
        long from = System.nanoTime();
        long cpuFrom = ownCpuNanos();
        GatewayTimes gatewayFrom = gatewayTimes();
        Thread.sleep(TimeUnit.SECONDS.toMillis(SECONDS));
        measuring = false;
        double seconds = (System.nanoTime() - from) / 1e9;
        double cpuSeconds = (ownCpuNanos() - cpuFrom) / 1e9;
        double gatewayCpuSeconds = (gatewayTimes().cpuMillis() - gatewayFrom.cpuMillis()) / 1e3;
        long completed = lifecycles.get();
        stopping = true;
        done.await(60, TimeUnit.SECONDS);

        System.out.printf("lifecycles/s %,.1f (%,d in %.1f s), failed %s%n", completed / seconds, completed, seconds,
                failures);
        // The generator shares the box with the gateway: the CPU it takes, the gateway does not get.
        System.out.printf("load generator CPU %.1f s (%.2f cores), %.2f ms per lifecycle%n", cpuSeconds,
                cpuSeconds / seconds, completed == 0 ? 0 : 1000 * cpuSeconds / completed);
        // The gateway's JVM (with the embedded broker and the processor, when they run in it): the work a lifecycle
        // costs, steadier between runs than the rate when the machine's speed wanders.
        System.out.printf("gateway CPU %.1f s (%.2f cores), %.2f ms per lifecycle%n", gatewayCpuSeconds,
                gatewayCpuSeconds / seconds, completed == 0 ? 0 : 1000 * gatewayCpuSeconds / completed);
        stepMicros.forEach((step, histogram) -> System.out.printf("%-20s ms: p50 %7.1f  p99 %7.1f  max %7.1f%n", step,
                histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0,
                histogram.getMaxValue() / 1000.0));
        Histogram whole = stepMicros.get("5 whole lifecycle");
        long failed = failures.values().stream().mapToLong(AtomicLong::get).sum();
        System.out.printf("RESULT lifecycles_per_s=%.1f failed=%d start_p50_ms=%.1f start_p99_ms=%.1f"
                        + " batch_p99_ms=%.1f lifecycle_p50_ms=%.1f lifecycle_p99_ms=%.1f gateway_cpu_ms=%.2f%n",
                completed / seconds, failed,
                stepMicros.get("1 start").getValueAtPercentile(50) / 1000.0,
                stepMicros.get("1 start").getValueAtPercentile(99) / 1000.0,
                stepMicros.get("2 batch").getValueAtPercentile(99) / 1000.0,
                whole.getValueAtPercentile(50) / 1000.0, whole.getValueAtPercentile(99) / 1000.0,
                completed == 0 ? 0 : 1000 * gatewayCpuSeconds / completed);
        System.exit(failed == 0 ? 0 : 1);
    }

    /**
     * Waits out the warm-up: the fixed {@code warmupSeconds} when set, else rounds of load until one in which the
     * gateway's compilation time (its {@code jvm.compilation.time} meter) is under 5% of its CPU time
     * ({@code process.cpu.time}), at most {@code warmupRounds}. Only the JVM that answers the HTTP API is watched: with
     * the roles in separate JVMs, a processor may still be compiling.
     */
    private void warmUp() throws InterruptedException {
        if (WARMUP_SECONDS != null) {
            Thread.sleep(TimeUnit.SECONDS.toMillis(WARMUP_SECONDS));
            return;
        }
        GatewayTimes before = gatewayTimes();
        for (int round = 1; round <= WARMUP_ROUNDS; round++) {
            Thread.sleep(WARMUP_ROUND.toMillis());
            GatewayTimes after = gatewayTimes();
            double share = (after.compilationMillis() - before.compilationMillis())
                    / Math.max(1, after.cpuMillis() - before.cpuMillis());
            System.out.printf("warm-up round %d: the gateway's compilation time %.1f%% of its CPU time%n", round,
                    100 * share);
            if (share < QUIET_JIT_SHARE) {
                return;
            }
            before = after;
        }
        System.out.printf("warning: the gateway's JIT was still busy after %d rounds; measuring anyway%n",
                WARMUP_ROUNDS);
    }

    /** The gateway JVM's compilation time and CPU time since it started. */
    private record GatewayTimes(double compilationMillis, double cpuMillis) {
    }

    /** Read from the gateway's actuator metrics. */
    private GatewayTimes gatewayTimes() throws InterruptedException {
        return new GatewayTimes(meter("jvm.compilation.time"), meter("process.cpu.time") / 1e6);
    }

    private double meter(String name) throws InterruptedException {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                            URI.create(BASE_URL + "/actuator/metrics/" + name)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher value = METER_VALUE.matcher(answer.body());
            if (answer.statusCode() != 200 || !value.find()) {
                throw new IllegalStateException("the gateway's meter " + name + " answered " + answer.statusCode()
                        + " " + answer.body() + "; set -DwarmupSeconds to warm up for a fixed time instead");
            }
            return Double.parseDouble(value.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the gateway's meter " + name, e);
        }
    }

    private static long ownCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private void lifecycle() {
        long begin = System.nanoTime();
        String step = "start";
        try {
            HttpResponse<String> started = post("/stream/start", "application/json", "{\"processor\":\"uppercase\"}");
            long t1 = timed("1 start", begin);
            Matcher id = STREAM_ID.matcher(started.body());
            if (started.statusCode() != 201 || !id.find()) {
                failed(step + " " + started.statusCode());
                return;
            }
            String stream = "/stream/" + id.group(1);
            step = "batch";
            HttpResponse<String> sent = post(stream + "/send", "application/x-ndjson", batch);
            long t2 = timed("2 batch", t1);
            if (sent.statusCode() != 200) {
                failed(step + " " + sent.statusCode());
                return;
            }
            step = "end";
            HttpResponse<String> ended = post(stream + "/end", null, null);
            long t3 = timed("3 end", t2);
            if (ended.statusCode() != 200) {
                failed(step + " " + ended.statusCode());
                return;
            }
            step = "read";
            int results = readToTheEnd(stream);
            timed("4 read to end", t3);
            if (results != CHUNKS) {
                failed(step + " " + results + " results");
                return;
            }
            timed("5 whole lifecycle", begin);
            if (measuring) {
                lifecycles.incrementAndGet();
            }
        } catch (IOException e) {
            // Which request, and what the client saw: a reset, a timeout, a closed connection.
            failed(step + " " + withCauses(e));
        } catch (UncheckedIOException e) {
            // From reading the results' lines; a client thread must not die of it.
            failed(step + " " + withCauses(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    /**
     * Results counted up to the end event, the response read to its last byte (the gateway completes it after the end
     * event); -1 when the response is not SSE or completes without the end event. Closed at the end event instead,
     * the response is cancelled and the JDK client (17 and 25 alike) closes its connection, it seems at times after
     * handing it out again: about one lifecycle in 40,000 failed with "header parser received no bytes, caused by
     * connection closed locally" on a start or batch, a fault of this client, not the gateway's (BENCHMARKS 33).
     */
    private int readToTheEnd(String stream) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(BASE_URL + stream + "/results"))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).build();
        HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                return -1;
            }
            int results = 0;
            boolean ended = false;
            for (Iterator<String> each = lines.iterator(); each.hasNext(); ) {
                String line = each.next();
                if (line.equals("event:result")) {
                    results++;
                } else if (line.equals("event:end")) {
                    ended = true;
                }
            }
            return ended ? results : -1;
        }
    }

    private HttpResponse<String> post(String path, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(BASE_URL + path)).timeout(Duration.ofSeconds(30));
        if (body == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The error and each cause under it: the JDK client's own message often only wraps the one that says why. */
    private static String withCauses(Throwable error) {
        StringBuilder said = new StringBuilder(error.toString());
        for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
            said.append(", caused by ").append(cause);
        }
        return said.toString();
    }

    private long timed(String step, long fromNanos) {
        long now = System.nanoTime();
        if (measuring) {
            stepMicros.get(step).recordValue(Math.max(0, (now - fromNanos) / 1000));
        }
        return now;
    }

    private void failed(String why) {
        if (measuring) {
            failures.computeIfAbsent(why, key -> new AtomicLong()).incrementAndGet();
        }
    }
}
