package streamgate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Send-to-delivered latency and end-to-end throughput, measured exactly: every chunk carries the time it was sent,
 * and each stream's own SSE reader notes when its result arrives. (Gatling's SSE checks lose events that arrive
 * before the check is set, which makes its figures for this unusable; see BENCHMARKS.md.)
 *
 * <p>Open loop: chunks are offered at {@code rate} per second, in NDJSON batches of {@code batch} chunks, round-robin
 * over {@code streams} streams, whatever the gateway's answers do; at most {@code inFlight} requests wait at once,
 * and a batch that finds them all busy is counted as not offered (the gateway is behind). Only chunks answered
 * {@code 200} (durable) are counted as sent; each must come back on its reader, or on each of its
 * {@code readersPerStream} readers.
 *
 * <pre>
 *   load-tests/latency.sh -Drate=10000 -Dseconds=30
 * </pre>
 */
public final class EndToEndLatency {

    private static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:8080");
    private static final int STREAMS = Integer.getInteger("streams", 100);
    private static final int RATE = Integer.getInteger("rate", 10_000);
    private static final int BATCH = Integer.getInteger("batch", 10);
    private static final int SECONDS = Integer.getInteger("seconds", 30);
    private static final int WARMUP_SECONDS = Integer.getInteger("warmupSeconds", 10);
    private static final int IN_FLIGHT = Integer.getInteger("inFlight", 64);
    private static final int CHUNK_SIZE = Integer.getInteger("chunkSize", 100);
    /** The streams' processor (the gateway's default when empty); its results must carry each chunk's data back. */
    private static final String PROCESSOR = System.getProperty("processor", "");
    /**
     * SSE readers per stream: above 1, fan-out; every reader must get every result, and each delivery is timed. The
     * JDK client reads all responses on one selector thread: at 10,000 readers it, not the gateway, was the limit.
     */
    private static final int READERS_PER_STREAM = Integer.getInteger("readersPerStream", 1);
    /** Readers block a thread each; small stacks keep 10,000 of them cheap. */
    private static final long READER_STACK_BYTES = 256 * 1024;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Histogram latencyMicros = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(5), 3);
    /** From a batch's send to its durable answer: the part of the latency before the processor. */
    private final Histogram answerMicros = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(5), 3);
    private final AtomicLong durable = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    /** Refused chunks by the status that refused them: a 503 (Kafka busy) is overload, a 4xx a mistake of ours. */
    private final Map<Integer, AtomicLong> refusedByStatus = new ConcurrentSkipListMap<>();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong notOffered = new AtomicLong();
    private volatile long measureFromNanos = Long.MAX_VALUE;

    public static void main(String[] args) throws Exception {
        new EndToEndLatency().run();
    }

    private void run() throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            String id = "latency-" + run + "-" + i;
            String start = PROCESSOR.isEmpty() ? "{}" : "{\"processor\":\"" + PROCESSOR + "\"}";
            expect2xx(http.send(post("/stream/" + id + "/start", start, "application/json"),
                    HttpResponse.BodyHandlers.ofString()), "start " + id);
            ids.add(id);
        }
        CountDownLatch ended = new CountDownLatch(STREAMS * READERS_PER_STREAM);
        for (int r = 0; r < READERS_PER_STREAM; r++) {
            for (String id : ids) {
                Thread reader = new Thread(null, () -> read(id, ended), "reader-" + r + "-" + id, READER_STACK_BYTES);
                reader.setDaemon(true);
                reader.start();
            }
        }

        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        long periodNanos = TimeUnit.SECONDS.toNanos(1) * BATCH / RATE;
        AtomicLong next = new AtomicLong();
        sender.scheduleAtFixedRate(() -> offer(ids.get((int) (next.getAndIncrement() % STREAMS)), inFlight),
                0, periodNanos, TimeUnit.NANOSECONDS);

        System.out.printf("offering %,d chunks/s in batches of %d over %d streams, %d reader(s) each: %d s warm-up,"
                + " %d s measured%n", RATE, BATCH, STREAMS, READERS_PER_STREAM, WARMUP_SECONDS, SECONDS);
        TimeUnit.SECONDS.sleep(WARMUP_SECONDS);
        latencyMicros.reset();
        answerMicros.reset();
        long durableAtStart = durable.get();
        long deliveredAtStart = delivered.get();
        measureFromNanos = System.nanoTime();
        TimeUnit.SECONDS.sleep(SECONDS);
        double elapsed = (System.nanoTime() - measureFromNanos) / 1e9;
        long durableInWindow = durable.get() - durableAtStart;
        long deliveredInWindow = delivered.get() - deliveredAtStart;
        sender.shutdown();
        sender.awaitTermination(10, TimeUnit.SECONDS);
        inFlight.acquire(IN_FLIGHT); // every answer is in

        for (String id : ids) {
            expect2xx(http.send(post("/stream/" + id + "/end", "", "application/json"),
                    HttpResponse.BodyHandlers.ofString()), "end " + id);
        }
        boolean allEnded = ended.await(120, TimeUnit.SECONDS);

        double deliveredPerSecond = deliveredInWindow / (double) READERS_PER_STREAM / elapsed;
        long lost = durable.get() * READERS_PER_STREAM - delivered.get();
        System.out.printf("durable chunks/s %,.0f | delivered chunks/s %,.0f, to each of %d reader(s) per stream"
                + " (measured window)%n", durableInWindow / elapsed, deliveredPerSecond, READERS_PER_STREAM);
        System.out.printf("send-to-delivered ms: p50 %.1f  p95 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  (%,d deliveries)%n",
                ms(50), ms(95), ms(99), ms(99.9), latencyMicros.getMaxValue() / 1000.0, latencyMicros.getTotalCount());
        System.out.printf("send-to-durable-answer ms: p50 %.1f  p95 %.1f  p99 %.1f%n",
                answerMicros.getValueAtPercentile(50) / 1000.0, answerMicros.getValueAtPercentile(95) / 1000.0,
                answerMicros.getValueAtPercentile(99) / 1000.0);
        long refused = refusedByStatus.values().stream().mapToLong(AtomicLong::get).sum();
        System.out.printf("chunks durable %,d, deliveries %,d; refused (non-200) %,d %s, failed %,d, not offered %,d;"
                + " all streams read to their end: %s%n", durable.get(), delivered.get(), refused, refusedByStatus,
                failed.get(), notOffered.get(), allEnded);
        System.out.printf("RESULT durable_per_s=%.0f delivered_per_s=%.0f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f"
                        + " lost=%d refused=%d failed=%d not_offered=%d%n",
                durableInWindow / elapsed, deliveredPerSecond, ms(50), ms(95), ms(99),
                lost, refused, failed.get(), notOffered.get());
        System.exit(allEnded && lost == 0 && failed.get() == 0 ? 0 : 1);
    }

    /** One NDJSON batch to {@code id}; each line's data starts with its send time. */
    private void offer(String id, Semaphore inFlight) {
        if (!inFlight.tryAcquire()) {
            notOffered.addAndGet(BATCH);
            return;
        }
        StringBuilder body = new StringBuilder(BATCH * (CHUNK_SIZE + 12));
        long sentAtNanos = System.nanoTime();
        String sentAt = Long.toString(sentAtNanos);
        String padding = "x".repeat(Math.max(0, CHUNK_SIZE - sentAt.length() - 1));
        for (int i = 0; i < BATCH; i++) {
            body.append("{\"data\":\"").append(sentAt).append(' ').append(padding).append("\"}\n");
        }
        http.sendAsync(post("/stream/" + id + "/send", body.toString(), "application/x-ndjson"),
                        HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, failure) -> {
                    inFlight.release();
                    if (failure != null) {
                        failed.addAndGet(BATCH);
                    } else if (response.statusCode() == 200) {
                        durable.addAndGet(BATCH);
                        recordSince(answerMicros, sentAtNanos, System.nanoTime());
                    } else {
                        refusedByStatus.computeIfAbsent(response.statusCode(), status -> new AtomicLong()).addAndGet(BATCH);
                    }
                });
    }

    /** Reads {@code id}'s events to its end event, noting each result's send-to-delivered time. */
    private void read(String id, CountDownLatch ended) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(BASE_URL + "/stream/" + id + "/results"))
                .header("Accept", "text/event-stream").GET().build();
        try (Stream<String> lines = http.send(request, HttpResponse.BodyHandlers.ofLines()).body()) {
            String event = "";
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:") && event.equals("result")) {
                    long now = System.nanoTime();
                    int start = line.indexOf("\"data\":\"") + 8;
                    long sentAt = Long.parseLong(line.substring(start, line.indexOf(' ', start)));
                    delivered.incrementAndGet();
                    recordSince(latencyMicros, sentAt, now);
                } else if (line.startsWith("data:") && event.equals("end")) {
                    ended.countDown();
                    return;
                }
            }
            System.err.println("reader of " + id + " ended without an end event");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records {@code now - sentAt} in microseconds, for chunks sent in the measured window only. */
    private void recordSince(Histogram micros, long sentAtNanos, long nowNanos) {
        if (sentAtNanos >= measureFromNanos) {
            micros.recordValue(Math.min((nowNanos - sentAtNanos) / 1000, micros.getHighestTrackableValue()));
        }
    }

    private double ms(double percentile) {
        return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    private static HttpRequest post(String path, String body, String contentType) {
        return HttpRequest.newBuilder(URI.create(BASE_URL + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static void expect2xx(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(what + " answered " + response.statusCode() + ": " + response.body());
        }
    }
}
