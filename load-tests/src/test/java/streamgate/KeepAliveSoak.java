package streamgate;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A keep-alive soak: many HTTP/1.1 connections held open for the whole run, each writing a mix of every route and
 * every error status the gateway has, several requests at a time in one write (pipelining), and reading every answer
 * on the same connection. It counts requests written and answered and exits non-zero on any difference, on any
 * socket error, and on any answer with another status than the request must get.
 *
 * <p>Plain sockets on purpose: an HTTP client library would reconnect, retry or refuse to pipeline, and hide exactly
 * what this looks for. One thread per connection, each waiting at most {@code answerTimeout} for an answer.
 *
 * <pre>
 *   load-tests/soak.sh -Dconnections=800 -Dduration=10m
 * </pre>
 * Settings (-D): baseUrl (http://127.0.0.1:8080), connections (800), duration (10m; also 30s, 1h), answerTimeout
 * (30s), reconnectEvery (cycles a connection does before it is replaced by a new one; 50), apiKey (when the gateway
 * has keys: every stream request carries it, and the mix adds a 401 for a request without it).
 */
public final class KeepAliveSoak {

    private static final URI BASE = URI.create(System.getProperty("baseUrl", "http://127.0.0.1:8080"));
    private static final int CONNECTIONS = Integer.getInteger("connections", 800);
    private static final Duration DURATION = duration(System.getProperty("duration", "10m"));
    private static final Duration ANSWER_TIMEOUT = duration(System.getProperty("answerTimeout", "30s"));
    private static final int RECONNECT_EVERY = Integer.getInteger("reconnectEvery", 50);
    private static final String API_KEY = System.getProperty("apiKey", "");
    private static final long THREAD_STACK_BYTES = 256 * 1024;

    /** One request of the mix: what it is called in the report, its text, and the statuses it may get. */
    private record Request(String name, String text, Set<Integer> expected) {
    }

    private final LongAdder written = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final LongAdder socketErrors = new LongAdder();
    private final LongAdder connectionsOpened = new LongAdder();
    private final AtomicLong streams = new AtomicLong();
    private final Map<String, LongAdder> wrongAnswers = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> answersByStatus = new ConcurrentHashMap<>();
    private final Map<String, String> firstProblems = new ConcurrentHashMap<>();
    private final Histogram latencyMicros = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(5), 3);

    public static void main(String[] args) throws InterruptedException {
        System.exit(new KeepAliveSoak().run());
    }

    private int run() throws InterruptedException {
        System.out.printf("Soak: %d kept-alive connections to %s for %s, pipelining a mix of every route and status%n",
                CONNECTIONS, BASE, DURATION);
        long deadline = System.nanoTime() + DURATION.toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            int client = i;
            Thread thread = new Thread(null, () -> client(client, deadline), "soak-" + i, THREAD_STACK_BYTES);
            thread.start();
            clients.add(thread);
        }
        Thread progress = new Thread(() -> progress(deadline), "soak-progress");
        progress.setDaemon(true);
        progress.start();
        for (Thread client : clients) {
            client.join();
        }
        return report();
    }

    /** One connection at a time, replaced every {@code reconnectEvery} cycles, until the deadline. */
    private void client(int client, long deadline) {
        while (System.nanoTime() < deadline) {
            try (Connection connection = new Connection()) {
                connectionsOpened.increment();
                for (int cycle = 0; cycle < RECONNECT_EVERY && System.nanoTime() < deadline; cycle++) {
                    lifecycle(connection, "soak-" + client + "-" + streams.incrementAndGet());
                }
            } catch (SocketProblem e) {
                socketErrors.increment();
                firstProblems.putIfAbsent("socket: " + e.getMessage(), "client " + client);
                sleep(Duration.ofMillis(100)); // then a new connection
            }
        }
    }

    /** One stream's life on one connection, every request pipelined with the ones beside it. */
    private void lifecycle(Connection connection, String id) {
        String stream = "/stream/" + id;
        // Start, then everything an open stream answers, good and bad, in one write.
        pipeline(connection,
                post("start", stream + "/start", "", "", Set.of(201)),
                post("send", stream + "/send", "application/json", "{\"data\":\"hello " + id + "\"}", Set.of(200, 429)),
                get("status", stream, Set.of(200)),
                post("send bad JSON", stream + "/send", "application/json", "{\"data\":", Set.of(400)),
                post("send not JSON", stream + "/send", "text/plain", "hello", Set.of(415)),
                post("start again", stream + "/start", "", "", Set.of(409)),
                request("wrong method", "DELETE", stream, "", "", "", Set.of(405)),
                get("unknown stream", "/stream/no-such-" + id, Set.of(404)),
                get("unknown path", "/no/such/path", Set.of(404)));
        pipeline(connection,
                post("batch", stream + "/send", "application/x-ndjson", lines(10), Set.of(200, 429)),
                post("batch too long", stream + "/send", "application/x-ndjson", lines(1001), Set.of(413)),
                request("headers too large", "GET", stream, "X-Padding: " + "x".repeat(9 * 1024) + "\r\n", "", "",
                        Set.of(431)),
                request("results as JSON", "GET", stream, "Accept: application/json\r\n", "", "", Set.of(200)),
                get("liveness", "/actuator/health/liveness", Set.of(200)));
        List<Request> ending = new ArrayList<>(List.of(
                post("end", stream + "/end", "", "", Set.of(200)),
                post("send after end", stream + "/send", "application/json", "{\"data\":\"late\"}", Set.of(409)),
                // An ended stream's event stream is finite: its history, then the end event.
                get("results SSE of an ended stream", stream + "/results", Set.of(200))));
        if (!API_KEY.isEmpty()) {
            ending.add(new Request("no key", "GET " + stream + " HTTP/1.1\r\nHost: " + host() + "\r\n\r\n", Set.of(401)));
        }
        pipeline(connection, ending.toArray(Request[]::new));
    }

    /** Writes the requests in one write, then reads their answers in order. */
    private void pipeline(Connection connection, Request... requests) {
        StringBuilder text = new StringBuilder();
        for (Request request : requests) {
            text.append(request.text());
        }
        long sentAt = System.nanoTime();
        connection.write(text.toString());
        written.add(requests.length);
        for (Request request : requests) {
            int status = connection.readStatus();
            answered.increment();
            latencyMicros.recordValue(Math.max(0, (System.nanoTime() - sentAt) / 1000));
            answersByStatus.computeIfAbsent(Integer.toString(status), ignored -> new LongAdder()).increment();
            if (!request.expected().contains(status)) {
                String key = request.name() + " answered " + status + " (expected " + request.expected() + ")";
                wrongAnswers.computeIfAbsent(key, ignored -> new LongAdder()).increment();
            }
        }
    }

    private int report() {
        long requests = written.sum();
        long answers = answered.sum();
        long wrong = wrongAnswers.values().stream().mapToLong(LongAdder::sum).sum();
        System.out.println();
        System.out.printf("RESULT connections=%d duration=%s requests_written=%d answered=%d unanswered=%d "
                        + "socket_errors=%d wrong_status=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f req_per_s=%.0f "
                        + "connections_opened=%d streams=%d%n",
                CONNECTIONS, DURATION, requests, answers, requests - answers, socketErrors.sum(), wrong,
                latencyMicros.getValueAtPercentile(50) / 1000.0, latencyMicros.getValueAtPercentile(99) / 1000.0,
                latencyMicros.getMaxValue() / 1000.0, answers / (double) DURATION.toSeconds(),
                connectionsOpened.sum(), streams.get());
        System.out.println("answers by status: " + new java.util.TreeMap<>(answersByStatus));
        wrongAnswers.forEach((what, count) -> System.out.println("WRONG " + count + "x " + what));
        firstProblems.forEach((what, where) -> System.out.println("PROBLEM " + what + " (first on " + where + ")"));
        boolean passed = requests == answers && socketErrors.sum() == 0 && wrong == 0;
        System.out.println(passed ? "PASSED: every request written was answered as expected"
                : "FAILED: see the lines above");
        return passed ? 0 : 1;
    }

    private void progress(long deadline) {
        while (System.nanoTime() < deadline) {
            sleep(Duration.ofSeconds(30));
            System.out.printf("  %s written, %s answered, %s socket errors, p99 so far %.1f ms%n", written.sum(),
                    answered.sum(), socketErrors.sum(), latencyMicros.getValueAtPercentile(99) / 1000.0);
        }
    }

    private static Request get(String name, String path, Set<Integer> expected) {
        return request(name, "GET", path, "", "", "", expected);
    }

    private static Request post(String name, String path, String contentType, String body, Set<Integer> expected) {
        return request(name, "POST", path, "", contentType, body, expected);
    }

    private static Request request(String name, String method, String path, String extraHeaders, String contentType,
                                   String body, Set<Integer> expected) {
        StringBuilder text = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                .append(host()).append("\r\n").append(extraHeaders);
        if (!API_KEY.isEmpty()) {
            text.append("Authorization: Bearer ").append(API_KEY).append("\r\n");
        }
        if (!contentType.isEmpty()) {
            text.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (method.equals("POST")) {
            text.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        return new Request(name, text.append("\r\n").append(body).toString(), expected);
    }

    private static String lines(int count) {
        return "{\"data\":\"line\"}\n".repeat(count);
    }

    private static String host() {
        return BASE.getHost() + ":" + BASE.getPort();
    }

    private static Duration duration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        long amount = Long.parseLong(value.replaceAll("[a-z]+$", ""));
        return switch (value.replaceAll("^[0-9]+", "")) {
            case "ms" -> Duration.ofMillis(amount);
            case "s", "" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException("Not a duration: " + text);
        };
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A socket failure: the connection is given up and counted as a socket error. */
    private static final class SocketProblem extends RuntimeException {
        SocketProblem(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /** One kept-alive connection, read one answer at a time (Content-Length or chunked bodies). */
    private static final class Connection implements AutoCloseable {

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection() {
            try {
                socket = new Socket(BASE.getHost(), BASE.getPort());
                socket.setSoTimeout((int) ANSWER_TIMEOUT.toMillis());
                socket.setTcpNoDelay(true);
                in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
                out = socket.getOutputStream();
            } catch (IOException e) {
                throw new SocketProblem("connect: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
        }

        void write(String text) {
            try {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                throw new SocketProblem("write: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
        }

        /** The status of the next answer, its body read and dropped. */
        int readStatus() {
            try {
                String statusLine = line();
                if (statusLine == null) {
                    throw new SocketProblem("closed by the server before an answer", null);
                }
                int status = Integer.parseInt(statusLine.substring(9, 12));
                long length = -1;
                boolean chunked = false;
                for (String header = line(); header != null && !header.isEmpty(); header = line()) {
                    String lower = header.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(lower.substring(15).trim());
                    } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                        chunked = true;
                    }
                }
                if (chunked) {
                    for (long size = chunkSize(); size > 0; size = chunkSize()) {
                        in.skipNBytes(size);
                        line();
                    }
                    while (!line().isEmpty()) {
                        // trailers, none expected
                    }
                } else if (length > 0) {
                    in.skipNBytes(length);
                }
                return status;
            } catch (SocketTimeoutException e) {
                throw new SocketProblem("no answer in " + ANSWER_TIMEOUT, e);
            } catch (IOException e) {
                throw new SocketProblem("read: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
        }

        private long chunkSize() throws IOException {
            return Long.parseLong(line().split(";")[0].trim(), 16);
        }

        private String line() throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
            for (int b = in.read(); ; b = in.read()) {
                if (b < 0) {
                    return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
                }
                if (b == '\n') {
                    String text = bytes.toString(StandardCharsets.ISO_8859_1);
                    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                }
                bytes.write(b);
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
