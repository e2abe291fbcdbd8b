package io.streamgate.http;

import static io.streamgate.support.StreamClient.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.streamgate.kafka.TestKafka;
import io.streamgate.support.TestThreads;
import io.streamgate.support.RawHttp;
import io.streamgate.support.SecuredGatewayIT;
import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** Every limit, reached for real: its status, its problem body, its metric, and nothing written past it. */
class LimitsIT extends SecuredGatewayIT {

    /** Frames a WebSocket writes at once against the rate tenant's 20 sends a second. */
    private static final int SOCKET_BURST = 60;

    @Test
    void shouldCapOpenStreamsPerTenantUntilOneEnds() {
        StreamClient tenant = as(LIMITS_TENANT);
        long run = System.nanoTime();
        List<String> open = List.of(tenant.start("cap-" + run + "-1"), tenant.start("cap-" + run + "-2"),
                tenant.start("cap-" + run + "-3"));
        try {
            capOpenStreams(tenant, run, open);
        } finally {
            for (String id : List.of(open.get(1), open.get(2), "cap-" + run + "-4")) {
                tenant.exchange(tenant.http().post().uri("/stream/{id}/end", id)); // whatever state the test left
            }
            List.of(open.get(1), open.get(2)).forEach(tenant::awaitEnded);
            as(TENANT_A).exchange(as(TENANT_A).http().post().uri("/stream/other-tenant-{run}/end", run));
        }
        assertThat(metric("open-streams-per-tenant")).isGreaterThanOrEqualTo(1);
    }

    private void capOpenStreams(StreamClient tenant, long run, List<String> open) {
        StreamClient.Answer fourth = tenant.exchange(tenant.http().post().uri("/stream/cap-{run}-4/start", run));
        assertLimit(fourth, 429, "open-streams-per-tenant");
        assertThat(as(TENANT_A).start("other-tenant-" + run)).as("limits are per tenant").isNotNull();

        tenant.end(open.get(0));
        tenant.awaitEnded(open.get(0));
        assertThat(tenant.start("cap-" + run + "-4")).isNotNull();
    }

    /**
     * Six clients send as fast as they are answered until one of them is refused: the tenant's 20 sends a second run
     * out long before then, whatever the pace of the machine. Every answer is kept (a client finishes its send before
     * it stops), so what was accepted is exactly what must be in Kafka.
     */
    @Test
    void shouldRateLimitSendsPerTenantWithRetryAfterAndStoreOnlyTheAccepted() {
        StreamClient tenant = as(RATE_TENANT);
        String id = tenant.start("rate-" + System.nanoTime());
        AtomicBoolean refused = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();

        List<StreamClient.Answer> answers = Flux.range(0, 6)
                .flatMap(client -> Mono.fromCallable(() -> sendUntilRefused(tenant, id, refused, sent))
                        .subscribeOn(TestThreads.CLIENTS))
                .flatMapIterable(answersOfOneClient -> answersOfOneClient)
                .collectList().block(TIMEOUT);

        Map<Integer, Long> byStatus = answers.stream()
                .collect(Collectors.groupingBy(StreamClient.Answer::status, TreeMap::new, Collectors.counting()));
        assertThat(byStatus.keySet()).as("statuses of %s sends: %s; others: %s", answers.size(), byStatus,
                answers.stream().filter(a -> a.status() != 200 && a.status() != 429).toList()).containsOnly(200, 429);
        List<StreamClient.Answer> limited = answers.stream().filter(a -> a.status() == 429).toList();
        long accepted = byStatus.getOrDefault(200, 0L);
        assertThat(accepted).as("the bucket holds a second's worth: %s", byStatus).isGreaterThanOrEqualTo(20);
        assertThat(limited).isNotEmpty().allSatisfy(answer -> {
            assertLimit(answer, 429, "sends-per-second-per-tenant");
            assertThat(Integer.parseInt(answer.headers().get("Retry-After"))).isBetween(1, 2);
        });
        endAll(tenant, id);
        assertThat((long) chunksStored(id).size())
                .as("chunks stored of %s accepted", accepted)
                .isEqualTo(accepted);
    }

    /**
     * A WebSocket's frames are held to the tenant's rate as sends are: 60 written at once, against a bucket of 20 a
     * second (all would pass only after 2 s of refills), get error frames with 429 for the batches past it (the rest
     * their acks), and the socket stays open: a frame sent later, once the bucket has refilled, is stored. The refusal
     * used to fail the socket with an empty close.
     */
    @Test
    void shouldAnswerSocketFramesBeyondTheTenantsRateWithErrorFramesAndKeepTheSocketOpen() {
        StreamClient tenant = as(RATE_TENANT);
        String id = tenant.start("rate-socket-" + System.nanoTime());
        List<JsonNode> answers = new CopyOnWriteArrayList<>();
        HttpHeaders key = new HttpHeaders();
        key.setBearerAuth(RATE_TENANT);

        new ReactorNettyWebSocketClient().execute(URI.create("ws://127.0.0.1:" + port + "/stream/" + id + "/ws"), key,
                socket -> Mono.firstWithSignal(
                        socket.send(Flux.range(1, SOCKET_BURST).map(i -> socket.textMessage("burst " + i))
                                .concatWith(Flux.interval(Duration.ofMillis(300))
                                        .map(i -> socket.textMessage("later " + i)))).then(Mono.never()),
                        socket.receive().map(WebSocketMessage::getPayloadAsText).map(StreamClient::json)
                                .filter(frame -> frame.has("frame"))
                                .doOnNext(answers::add)
                                .takeUntil(frame -> frame.get("frame").asInt() > SOCKET_BURST
                                        && frame.get("type").asString().equals("ack"))
                                .then()))
                .block(TIMEOUT);

        assertThat(answers).as("the answers: %s", answers).extracting(frame -> frame.get("frame").asInt())
                .startsWith(IntStream.rangeClosed(1, SOCKET_BURST).boxed().toArray(Integer[]::new));
        List<JsonNode> refused = answers.stream().filter(frame -> frame.get("type").asString().equals("error"))
                .toList();
        assertThat(refused).as("the answers: %s", answers).isNotEmpty()
                .allSatisfy(frame -> assertThat(frame.get("status").asInt()).isEqualTo(429));
        long acked = answers.stream().filter(frame -> frame.get("frame").asInt() <= SOCKET_BURST
                && frame.get("type").asString().equals("ack")).count();
        endAll(tenant, id);
        assertThat(chunksStored(id).stream().filter(chunk -> chunk.startsWith("burst ")).count())
                .as("chunks of the burst stored, of %s acknowledged", acked)
                .isEqualTo(acked);
    }

    /**
     * A WebSocket message must come whole within the request-read-timeout (2 s here), as a request's body must: the
     * frame before it is answered, then the socket closes with 1008. Counted against max-bytes-in-flight from its
     * header, a message stopped short would otherwise hold its bytes for as long as its socket stayed open.
     */
    @Test
    void shouldCloseWith1008ASocketWhoseMessageDoesNotComeWholeWithinTheRequestReadTimeout() {
        StreamClient tenant = as(LIMITS_TENANT);
        String id = tenant.start("late-frame-" + System.nanoTime());
        String received;
        try (RawHttp socket = new RawHttp(port)) {
            socket.write("GET /stream/" + id + "/ws HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + LIMITS_TENANT + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            assertThat(socket.readHead()).as("the handshake's answer").startsWith("HTTP/1.1 101 ");
            socket.write(ClientFrames.frame(0x81, "before"))
                    .write(Arrays.copyOf(ClientFrames.frame(0x81, "x".repeat(600)), 10)); // its header and 6 bytes

            received = socket.readUntilClosed();
        }

        int close = received.lastIndexOf('\u0088');
        assertThat(received).as("what the gateway sent").contains("{\"type\":\"ack\",\"frame\":1,");
        assertThat(close).as("a close frame in %s", received).isGreaterThan(0);
        assertThat(((received.charAt(close + 2) << 8) | received.charAt(close + 3)) + " "
                + received.substring(close + 4, close + 2 + received.charAt(close + 1)))
                .isEqualTo("1008 Frame 2 did not come whole within 2 s; nothing from it on was stored");
        endAll(tenant, id);
        assertThat(chunksStored(id)).containsExactly("before");
    }

    /** The chunks of the stream {@code id} (a tenant's: its key ends with the id) in the requests topic, in order. */
    private static List<String> chunksStored(String id) {
        return TestKafka.readAll(REQUESTS_TOPIC).stream()
                .filter(record -> record.key().endsWith(":" + id) && "CHUNK".equals(record.kind()))
                .map(TestKafka.StoredRecord::value)
                .toList();
    }

    /** One client's sends, one after another, until any client has been refused (at most 500 in all). */
    private static List<StreamClient.Answer> sendUntilRefused(StreamClient tenant, String id, AtomicBoolean refused,
                                                              AtomicInteger sent) {
        List<StreamClient.Answer> answers = new ArrayList<>();
        while (!refused.get() && sent.incrementAndGet() <= 500) {
            StreamClient.Answer answer = tenant.trySend(id, "burst " + sent.get());
            answers.add(answer);
            if (answer.status() != 200) {
                refused.set(true);
            }
        }
        return answers;
    }

    @Test
    void shouldCapReadersPerStreamAndPerTenant() {
        StreamClient tenant = as(LIMITS_TENANT);
        long run = System.nanoTime();
        String first = tenant.start("readers-" + run + "-1");
        String second = tenant.start("readers-" + run + "-2");
        List<Disposable> readers = new ArrayList<>();
        try {
            readAndCap(tenant, first, second, readers);
        } finally {
            readers.forEach(Disposable::dispose);
            endAll(tenant, first, second);
        }
    }

    private void readAndCap(StreamClient tenant, String first, String second, List<Disposable> readers) {
        readers.add(tenant.events(first).subscribe());
        readers.add(tenant.events(first).subscribe());
        awaitReaders(tenant, first, 2);

        assertLimit(tenant.exchange(tenant.http().get().uri("/stream/{id}/results", first)), 429, "readers-per-stream");
        readers.add(tenant.events(second).subscribe());
        awaitReaders(tenant, second, 1);
        assertLimit(tenant.exchange(tenant.http().get().uri("/stream/{id}/results", second)), 429, "readers-per-tenant");

        readers.remove(0).dispose();
        awaitReaders(tenant, first, 1);
        readers.add(tenant.events(second).subscribe());
        awaitReaders(tenant, second, 2);
    }

    @Test
    void shouldRefuseConnectionsOverTheCapAndServeAgainAfterwards() {
        List<RawHttp> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 80; i++) {
                sockets.add(new RawHttp(port));
            }
            List<String> answers = RawHttp.readAllUntilClosed(sockets).block(TIMEOUT);
            List<String> refused = answers.stream().filter(answer -> RawHttp.status(answer) == 503).toList();
            assertThat(refused).hasSizeGreaterThanOrEqualTo(80 - 64).allSatisfy(answer -> assertThat(answer)
                    .contains("Retry-After: 1", "application/problem+json", "\"limit\":\"max-connections\"",
                            "X-Content-Type-Options: nosniff", "Cache-Control: no-cache"));
            assertThat(answers).allSatisfy(answer -> assertThat(RawHttp.status(answer)).as("others idle out").isIn(503, -1));
        } finally {
            sockets.forEach(RawHttp::close);
        }
        await("connections released").atMost(TIMEOUT).until(() ->
                anonymous().exchange(anonymous().http().get().uri("/actuator/health")).status() == 200);
        assertThat(metric("max-connections")).isGreaterThanOrEqualTo(1);
        assertThat(as(OPERATOR).scraped("streamgate_http_refusals_total", "status", "503", "type", "too-many-connections"))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void shouldCutOffASlowlorisClientThatNeverFinishesItsRequest(CapturedOutput output) {
        String id = as(LIMITS_TENANT).start("slow-" + System.nanoTime());
        try {
            try (RawHttp slow = new RawHttp(port)) {
                slow.write("POST /stream/" + id + "/send HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                        + LIMITS_TENANT + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"data\":\"");

                String answer = slow.readUntilClosed();

                assertThat(RawHttp.status(answer)).as("408 or closed: %s", answer).isIn(408, -1);
            }
            try (RawHttp trickle = new RawHttp(port)) {
                trickle.write("GET /actuator/health HTTP/1.1\r\nHost: local");
                assertThat(RawHttp.status(trickle.readUntilClosed())).isIn(408, -1);
            }
            // Reactor Netty signals the timeout again after the 408: no error of ours to log (DroppedRequestErrors).
            assertThat(output.getOut()).as("the log")
                    .doesNotContain("ReadTimeoutException").doesNotContain("RequestTimeoutException");
        } finally {
            endAll(as(LIMITS_TENANT), id);
        }
    }

    /**
     * A byte of the head every half second for 12 s. Were each byte news to the idle timeout, only the header size limit
     * would end it (8 KB at 2 bytes a second: over an hour); Reactor Netty's idle handler counts decoded parts of a
     * request only (HttpConfiguration), so the request-read-timeout (2 s here) ends it.
     */
    @Test
    void shouldCutOffAHeadTrickledForLongerThanTheRequestReadTimeout() throws InterruptedException {
        try (RawHttp trickle = new RawHttp(port)) {
            trickle.write("GET /actuator/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
            long start = System.nanoTime();
            int written = 0;
            try {
                for (; written < 24; written++) {
                    Thread.sleep(500);
                    trickle.write("x");
                }
            } catch (UncheckedIOException closedByTheServer) {
                // what the test waits for
            }
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();

            assertThat(written).as("bytes of the head written before the server closed, in %d s", seconds).isLessThan(24);
            assertThat(RawHttp.status(trickle.readUntilClosed())).isIn(408, -1);
        }
    }

    @Test
    void shouldRefuseOversizedHeadersWithAProblemAndStayHealthy() {
        StreamClient.Answer tooLarge = as(LIMITS_TENANT).exchange(as(LIMITS_TENANT).http().get().uri("/actuator/health")
                .header("X-Junk", "x".repeat(20 * 1024)));
        assertThat(tooLarge.status()).isEqualTo(431);
        assertThat(tooLarge.contentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue();
        assertThat(tooLarge.body().get("detail").stringValue()).contains("8192 bytes");
        assertThat(tooLarge.body().get("type").stringValue()).isEqualTo("/problems/request-header-fields-too-large");
        assertThat(tooLarge.body().get("limit").stringValue()).isEqualTo("max-header-size");
        try (RawHttp beyondNettysCap = new RawHttp(port)) {
            beyondNettysCap.write("GET /actuator/health HTTP/1.1\r\nHost: localhost\r\nX-Junk: " + "x".repeat(100 * 1024)
                    + "\r\n\r\n");
            assertThat(RawHttp.status(beyondNettysCap.readUntilClosed())).isIn(431, 400, -1);
        } catch (UncheckedIOException closedWhileWriting) {
            // also a refusal: the server closed before taking all of it
        }
        assertThat(anonymous().exchange(anonymous().http().get().uri("/actuator/health")).status()).isEqualTo(200);
        assertThat(metric("max-header-size")).isGreaterThanOrEqualTo(1);
    }

    private static void assertLimit(StreamClient.Answer answer, int status, String limit) {
        assertThat(answer.status()).as("answered %s", answer).isEqualTo(status);
        assertThat(answer.contentType()).as("answered %s", answer).isNotNull()
                .matches(type -> type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        assertThat(answer.body().get("limit").stringValue()).as("answered %s", answer).isEqualTo(limit);
        assertThat(answer.body().get("type").stringValue()).as("answered %s", answer).isEqualTo("/problems/limit-exceeded");
    }

    private static void awaitReaders(StreamClient tenant, String id, int readers) {
        await("readers of " + id).atMost(TIMEOUT).until(() -> tenant.status(id).get("readers").intValue() == readers);
    }

    /** Ends the streams and waits until the gateway has seen them end, so they no longer count as open. */
    private static void endAll(StreamClient tenant, String... ids) {
        for (String id : ids) {
            tenant.end(id);
        }
        for (String id : ids) {
            tenant.awaitEnded(id);
        }
    }


    private double metric(String limit) {
        return as(OPERATOR).scraped("streamgate_limit_rejections_total", "limit", limit);
    }
}
