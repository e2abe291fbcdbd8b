package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

import io.streamgate.support.TestThreads;
import io.streamgate.support.KeepAliveConnection;
import io.streamgate.support.SecuredGatewayIT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Every request written on a kept-alive HTTP/1.1 connection is answered, in order, whatever came before it.
 *
 * <p>The scenario of Reactor Netty issue #4361 (reactor-netty 1.3.6 and 1.3.7): a slow request (a durable send) and
 * a fast one written back to back, so the fast one is queued behind the slow one on the server; when the queued one
 * completed synchronously, the connection was never read again and every later request on it went unanswered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeepAliveIT extends SecuredGatewayIT {

    private static final Duration NO_ANSWER = Duration.ofSeconds(10);

    /** One stream for the whole class: the tenant may have only a few open at once. */
    private String streamId;

    /** A request the test can write for {@link #streamId}. */
    private record Request(String name, Function<String, String> text) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    void startStream() {
        streamId = as(KEEP_ALIVE_TENANT).start("keep-alive-" + System.nanoTime());
    }

    @AfterAll
    void endStream() {
        as(KEEP_ALIVE_TENANT).end(streamId);
    }

    static Stream<Arguments> slowThenFast() {
        List<Request> slow = List.of(
                new Request("durable send", id -> send(id, "{\"data\":\"slow\"}")),
                new Request("NDJSON batch", id -> ndjson(id, "{\"data\":\"a\"}\n{\"data\":\"b\"}\n{\"data\":\"c\"}\n")));
        List<Request> fast = List.of(
                new Request("status 200", id -> get("/stream/" + id, KEEP_ALIVE_TENANT)),
                new Request("unknown stream 404", id -> get("/stream/no-such-stream-" + id, KEEP_ALIVE_TENANT)),
                new Request("unknown path 404", id -> get("/no/such/path", KEEP_ALIVE_TENANT)),
                new Request("no key 401", id -> get("/stream/" + id, null)),
                new Request("wrong method 405", id -> request("DELETE", "/stream/" + id, KEEP_ALIVE_TENANT, "", "")),
                new Request("liveness 200", id -> get("/actuator/health/liveness", null)),
                new Request("CORS preflight 200", id -> "OPTIONS /stream/" + id + "/send HTTP/1.1\r\nHost: localhost\r\n"
                        + "Origin: " + ALLOWED_ORIGIN + "\r\nAccess-Control-Request-Method: POST\r\n"
                        + "Access-Control-Request-Headers: authorization,content-type\r\n\r\n"),
                new Request("existing id 409", id -> request("POST", "/stream/" + id + "/start", KEEP_ALIVE_TENANT, "", "")));
        return slow.stream().flatMap(first -> fast.stream().map(second -> Arguments.of(first, second)));
    }

    @ParameterizedTest(name = "{0} then {1}")
    @MethodSource("slowThenFast")
    void shouldAnswerEveryRequestAfterAFastOneQueuedBehindASlowOne(Request slow, Request fast) {
        try (KeepAliveConnection connection = new KeepAliveConnection(port, NO_ANSWER)) {
            connection.write(slow.text().apply(streamId), fast.text().apply(streamId));
            assertThat(connection.read().status()).as("the %s (or the tenant's rate limit)", slow).isIn(200, 429);
            int fastStatus = connection.read().status();

            connection.write(get("/stream/" + streamId, KEEP_ALIVE_TENANT));
            assertThat(connection.read().status()).as("the request after them").isEqualTo(200);
            connection.write(fast.text().apply(streamId), get("/stream/" + streamId, KEEP_ALIVE_TENANT));
            assertThat(connection.read().status()).as("the %s again", fast).isEqualTo(fastStatus);
            assertThat(connection.read().status()).as("and one more after it").isEqualTo(200);
        }
    }

    /**
     * A request without a body goes on to Reactor Netty whole (WholeBodilessRequests), and a route that reads the body
     * of one (a start reads its optional JSON) still gets the body's end: with neither a length nor chunking, as curl
     * {@code -X POST} sends it, and with a length of 0, as browsers and WebClient do, pipelined behind others.
     */
    @Test
    void shouldAnswerRequestsWithoutABodyWhoseRoutesReadIt() {
        String unsized = "unsized-" + System.nanoTime();
        String empty = "empty-" + System.nanoTime();
        try (KeepAliveConnection connection = new KeepAliveConnection(port, NO_ANSWER)) {
            connection.write(withoutLength("POST", "/stream/" + unsized + "/start"));
            assertThat(connection.read().status()).as("a start with neither a length nor chunking").isEqualTo(201);
            connection.write(withoutLength("POST", "/stream/" + unsized + "/end"));
            assertThat(connection.read().status()).as("its end").isEqualTo(200);

            connection.write(request("POST", "/stream/" + empty + "/start", KEEP_ALIVE_TENANT, "", ""),
                    get("/stream/" + empty, KEEP_ALIVE_TENANT),
                    request("POST", "/stream/" + empty + "/end", KEEP_ALIVE_TENANT, "", ""));
            assertThat(connection.read().status()).as("a start of length 0").isEqualTo(201);
            assertThat(connection.read().status()).as("the status pipelined behind it").isEqualTo(200);
            assertThat(connection.read().status()).as("its end").isEqualTo(200);
        }
    }

    private static String withoutLength(String method, String path) {
        return method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + KEEP_ALIVE_TENANT
                + "\r\n\r\n";
    }

    /**
     * 40 connections at once, each written the slow-then-fast pair, then the requests after it pipelined: 320
     * requests, every one answered (on reactor-netty 1.3.7, 167 were).
     */
    @Test
    void shouldAnswerEveryRequestOfManyPipeliningConnections() {
        int connections = 40;
        AtomicInteger answered = new AtomicInteger();
        List<String> failures = Flux.range(0, connections)
                .flatMap(n -> Mono.fromCallable(() -> pipeline(n, answered)).subscribeOn(TestThreads.CLIENTS),
                        connections)
                .filter(failure -> !failure.isEmpty())
                .collectList()
                .block(NO_ANSWER.multipliedBy(3));
        assertThat(failures).as("connections with a request left unanswered").isEmpty();
        assertThat(answered).hasValue(connections * 8);
    }

    /** Eight requests on one connection; what went wrong, or "" when each was answered as expected. */
    private String pipeline(int n, AtomicInteger answered) {
        List<Integer> statuses = new ArrayList<>();
        try (KeepAliveConnection connection = new KeepAliveConnection(port, NO_ANSWER)) {
            connection.write(send(streamId, "{\"data\":\"pipelined " + n + "\"}"), get("/stream/" + streamId, KEEP_ALIVE_TENANT));
            readInto(connection, 2, statuses, answered);
            connection.write(get("/stream/" + streamId, KEEP_ALIVE_TENANT));
            readInto(connection, 1, statuses, answered);
            connection.write(get("/actuator/health/liveness", null), get("/stream/" + streamId, KEEP_ALIVE_TENANT),
                    ndjson(streamId, "{\"data\":\"x\"}\n"), get("/stream/" + streamId, KEEP_ALIVE_TENANT),
                    get("/no/such/path", KEEP_ALIVE_TENANT));
            readInto(connection, 5, statuses, answered);
        } catch (AssertionError e) {
            return "connection " + n + ": " + e.getMessage();
        }
        // The sends (first and sixth) may meet the tenant's rate limit: a 429 is an answer too.
        List<Integer> expected = List.of(statuses.get(0) == 429 ? 429 : 200, 200, 200, 200, 200,
                statuses.get(5) == 429 ? 429 : 200, 200, 404);
        return statuses.equals(expected) ? "" : "connection " + n + " was answered " + statuses;
    }

    private static void readInto(KeepAliveConnection connection, int count, List<Integer> statuses,
                                 AtomicInteger answered) {
        for (int i = 0; i < count; i++) {
            statuses.add(connection.read().status());
            answered.incrementAndGet();
        }
    }

    private static String send(String id, String json) {
        return request("POST", "/stream/" + id + "/send", KEEP_ALIVE_TENANT, "application/json", json);
    }

    private static String ndjson(String id, String lines) {
        return request("POST", "/stream/" + id + "/send", KEEP_ALIVE_TENANT, "application/x-ndjson", lines);
    }

    private static String get(String path, String key) {
        return request("GET", path, key, "", "");
    }

    private static String request(String method, String path, String key, String contentType, String body) {
        StringBuilder text = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
        if (key != null) {
            text.append("Authorization: Bearer ").append(key).append("\r\n");
        }
        if (!contentType.isEmpty()) {
            text.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (!body.isEmpty() || method.equals("POST")) {
            text.append("Content-Length: ").append(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                    .append("\r\n");
        }
        return text.append("\r\n").append(body).toString();
    }
}
