package io.streamgate.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A service behind the {@code http} processor, on loopback: what a model server would be. For each chunk POSTed to it
 * ({@code {"stream_id","seq","data"}}) it answers {@code application/x-ndjson}, one line at a time, as the test's
 * {@link Reply} says, with pauses between lines if asked; {@link #log()} records, in order, every line it wrote.
 */
public final class ModelServerStub implements AutoCloseable {

    /** What to answer a chunk: the lines (each a JSON object) and the pause before each. */
    public record Reply(int status, List<String> lines, Duration pauseBefore) {

        public static Reply of(String... lines) {
            return new Reply(200, List.of(lines), Duration.ZERO);
        }

        public static Reply slowly(Duration pauseBefore, String... lines) {
            return new Reply(200, List.of(lines), pauseBefore);
        }

        public static Reply status(int status) {
            return new Reply(status, List.of(), Duration.ZERO);
        }
    }

    /** A chunk as the stub received it. */
    public record Call(String streamId, long seq, String data) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "model-server-stub");
        thread.setDaemon(true);
        return thread;
    });
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();

    public ModelServerStub(Function<Call, Reply> replies) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", exchange -> answer(exchange, replies));
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** Every line written (as "<stream id> <line>"), and other notes the test adds, in the order they happened. */
    public List<String> log() {
        return log;
    }

    public void note(String event) {
        log.add(event);
    }

    public int calls() {
        return calls.get();
    }

    private void answer(HttpExchange exchange, Function<Call, Reply> replies) throws IOException {
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            Call call = new Call(body.get("stream_id").asString(), body.get("seq").asLong(), body.get("data").asString());
            calls.incrementAndGet();
            Reply reply = replies.apply(call);
            if (reply.status() != 200) {
                exchange.sendResponseHeaders(reply.status(), -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
            exchange.sendResponseHeaders(200, 0); // chunked: each line leaves as it is written
            OutputStream out = exchange.getResponseBody();
            for (String line : reply.lines()) {
                pause(reply.pauseBefore());
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                log.add(call.streamId() + " " + line);
            }
        }
    }

    private static void pause(Duration pause) {
        if (pause.isZero()) {
            return;
        }
        try {
            Thread.sleep(pause.toMillis()); // the stub's own thread: a slow model server
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
