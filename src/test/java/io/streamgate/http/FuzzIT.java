package io.streamgate.http;

import static io.streamgate.support.StreamClient.TIMEOUT;
import static io.streamgate.support.StreamClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.streamgate.kafka.TestKafka;
import io.streamgate.stream.Utf8;
import io.streamgate.support.RawHttp;
import io.streamgate.support.SecuredGatewayIT;
import io.streamgate.support.StreamClient;
import io.streamgate.support.TestThreads;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Hostile input: several hundred generated bad requests (seeded, so a failure replays) sent over raw sockets at a
 * running, secured gateway, while a reader that never reads holds a stream open. Every answer must be a 4xx (or,
 * for a request that never finishes, the connection closed), none a 5xx; the gateway must stay healthy; and none of
 * it may reach Kafka or any reader.
 */
class FuzzIT extends SecuredGatewayIT {

    private static final long SEED = 20261122L;
    private static final int GENERATED = 560;

    /** One bad request: its category, its bytes, and whether the server may just close instead of answering. */
    private record Attack(String category, byte[] request, boolean mayClose, boolean halfClose) {
    }

    @Test
    void shouldAnswerEveryHostileRequestWithA4xxAndStoreNothing() throws Exception {
        StreamClient fuzzer = as(FUZZ_TENANT);
        String victim = fuzzer.start("victim-" + System.nanoTime());
        Socket neverReads = openReaderThatNeverReads(victim);

        List<Attack> attacks = generate(new Random(SEED), victim);
        Map<String, AtomicInteger> byStatus = new ConcurrentHashMap<>();
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        Flux.fromIterable(attacks)
                .flatMap(attack -> Mono.fromRunnable(() -> {
                    int status = fire(attack);
                    byStatus.computeIfAbsent(status == -1 ? "closed" : status == -2 ? "held open" : Integer.toString(status),
                            k -> new AtomicInteger()).incrementAndGet();
                    boolean ok = (status >= 400 && status < 500) || (status == -1 && attack.mayClose());
                    if (!ok) {
                        wrong.add(attack.category() + " -> " + status + ": "
                                + new String(attack.request(), 0, Math.min(120, attack.request().length),
                                StandardCharsets.ISO_8859_1));
                    }
                }).subscribeOn(TestThreads.CLIENTS), 16)
                .blockLast(java.time.Duration.ofMinutes(3));

        System.out.printf("FuzzIT: %d hostile requests, answers by status %s%n", attacks.size(), new TreeMap<>(byStatus));
        assertThat(attacks.size()).isGreaterThanOrEqualTo(500);
        assertThat(wrong).isEmpty();
        assertThat(byStatus.keySet()).noneMatch(status -> status.startsWith("5") || status.startsWith("2"));

        assertThat(anonymous().exchange(anonymous().http().get().uri("/actuator/health")).status()).isEqualTo(200);
        neverReads.close();
        long good = fuzzer.send(victim, "still fine");
        fuzzer.end(victim);
        assertThat(fuzzer.events(victim).collectList().block(TIMEOUT))
                .extracting(event -> event.event() + " " + json(event.data()))
                .containsExactly("result {\"seq\":" + good + ",\"data\":\"STILL FINE\"}", "end {\"reason\":\"client\"}");
        List<TestKafka.StoredRecord> all = TestKafka.readAll(REQUESTS_TOPIC);
        String tenantPrefix = all.stream().filter(record -> record.key().endsWith(":" + victim)).findFirst()
                .orElseThrow().key().replace(victim, "");
        List<TestKafka.StoredRecord> stored = all.stream().filter(record -> record.key().equals(tenantPrefix + victim))
                .toList();
        System.out.printf("FuzzIT: records of the victim stream in Kafka: %d (start, the one good chunk, end)%n",
                stored.size());
        assertThat(stored).extracting(TestKafka.StoredRecord::kind).containsExactly("START", "CHUNK", "END");
        // Nothing under any other key of this tenant either (a rerun of this test leaves earlier victims, all alike).
        assertThat(all).filteredOn(record -> record.key().startsWith(tenantPrefix))
                .allMatch(record -> record.key().startsWith(tenantPrefix + "victim-"));
    }

    private List<Attack> generate(Random random, String victim) {
        List<Attack> attacks = new ArrayList<>();
        String auth = "Authorization: Bearer " + FUZZ_TENANT + "\r\n";
        String[] badJson = {"", " ", "{", "}", "[", "{\"data\"", "{\"data\":", "{\"data\":\"x\"", "{data:\"x\"}",
                "{'data':'x'}", "{\"data\":\"x\",}", "{\"data\":\"\\x41\"}", "{\"data\":\"a\"} {}", "null", "true", "42",
                "\"data\"", "[\"x\"]", "{\"data\":1}", "{\"data\":1.5e400}", "{\"data\":true}", "{\"data\":null}",
                "{\"data\":[\"x\"]}", "{\"data\":{\"x\":1}}", "{\"Data\":\"x\"}", "{\"data\":\"a\",\"data\":\"b\"}",
                "{\"data\":\"unterminated}", "{\"data\":\"\u0001\"}", "\u0000", "{\"data\":\"x\"}\u0000"};
        // 1. malformed, mistyped and truncated JSON
        for (int i = 0; i < 160; i++) {
            String body = badJson[random.nextInt(badJson.length)];
            if (random.nextBoolean() && body.length() > 2) {
                body = body.substring(0, 1 + random.nextInt(body.length() - 1)); // truncated somewhere
                if (body.equals("{\"data\":\"x\"}") || body.equals("{\"data\":\"a\"}")) {
                    body = "{";
                }
            }
            attacks.add(post("json", "/stream/" + victim + "/send", auth, "application/json",
                    body.getBytes(StandardCharsets.UTF_8)));
        }
        // 2. deep nesting, in arrays and objects
        for (int i = 0; i < 30; i++) {
            int depth = 500 + random.nextInt(20_000);
            String open = random.nextBoolean() ? "[" : "{\"a\":";
            String close = open.equals("[") ? "]" : "}";
            String body = "{\"data\":" + open.repeat(depth) + "1" + close.repeat(random.nextInt(depth)) ;
            attacks.add(post("deep-json", "/stream/" + victim + "/send", auth, "application/json",
                    body.getBytes(StandardCharsets.UTF_8)));
        }
        // 3. invalid UTF-8 inside an otherwise valid body
        byte[][] invalidUtf8 = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0,
                (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}};
        for (int i = 0; i < 40; i++) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes("{\"data\":\"ok".getBytes(StandardCharsets.UTF_8));
            body.writeBytes(invalidUtf8[random.nextInt(invalidUtf8.length)]);
            body.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
            attacks.add(post("invalid-utf8", "/stream/" + victim + "/send", auth, "application/json", body.toByteArray()));
        }
        // 4. wrong content types on a good body
        String[] contentTypes = {null, "text/plain", "application/xml", "multipart/form-data; boundary=x",
                "application/x-www-form-urlencoded", "application/jsonx", "*/*", "application/octet-stream", "json",
                "text/json"};
        for (int i = 0; i < 40; i++) {
            attacks.add(post("content-type", "/stream/" + victim + "/send", auth,
                    contentTypes[random.nextInt(contentTypes.length)], "{\"data\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
        }
        // 5. wrong methods on every route
        String[] methods = {"PUT", "DELETE", "PATCH", "GET", "POST"};
        String[][] routes = {{"/stream/start", "POST"}, {"/stream/" + victim + "/start", "POST"},
                {"/stream/" + victim + "/send", "POST"}, {"/stream/" + victim + "/results", "GET"},
                {"/stream/" + victim + "/end", "POST"}, {"/stream/" + victim, "GET"}};
        for (int i = 0; i < 40; i++) {
            String[] route = routes[random.nextInt(routes.length)];
            String method = methods[random.nextInt(methods.length)];
            if (method.equals(route[1])) {
                method = "PATCH";
            }
            attacks.add(raw("method", method + " " + route[0] + " HTTP/1.1\r\nHost: x\r\n" + auth
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n", false));
        }
        // 6. path tricks in stream ids, on every route
        String[] ids = {"..", ".", "%2e%2e", "%2E", "a%2Fb", "%2F", "a%00b", "%00", "j%D0%BEb", "%EF%BC%A1", "%C0%AE%C0%AE",
                "a%20b", "a%09b", "a;b", "a@b", "~", "%25", "x".repeat(129), "%FF%FE", "a%5Cb", "%E2%80%AE", "..%2F..",
                "a:b", "a%3Ab"};
        String[] actions = {"/start", "/send", "/results", "/end", ""};
        for (int i = 0; i < 120; i++) {
            String id = ids[random.nextInt(ids.length)];
            String action = actions[random.nextInt(actions.length)];
            String method = action.equals("/results") || action.isEmpty() ? "GET" : "POST";
            String body = action.equals("/send") ? "{\"data\":\"x\"}" : "";
            attacks.add(raw("path", method + " /stream/" + id + action + " HTTP/1.1\r\nHost: x\r\n" + auth
                    + "Content-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body, false));
        }
        // 7. headers: huge, numerous, NUL; each request also carries a malformed Last-Event-ID, so that one the
        //    server does parse is still a bad request rather than the start of an endless event stream
        for (int i = 0; i < 40; i++) {
            String header = switch (i % 4) {
                case 0 -> "X-Junk: " + "x".repeat(9_000 + random.nextInt(60_000)) + "\r\n";
                case 1 -> "X-Many: x\r\n".repeat(200 + random.nextInt(2_000));
                case 2 -> "Last-Event-ID: " + List.of("abc", "-1", "1e9", "0x10", "99999999999999999999999", "1;2")
                        .get(random.nextInt(6)) + "\r\n";
                default -> "X-Nul: a\u0000b\r\n";
            };
            String lastEventId = i % 4 == 2 ? "" : "Last-Event-ID: not-a-number\r\n";
            attacks.add(raw("headers", "GET /stream/" + victim + "/results HTTP/1.1\r\nHost: x\r\n" + auth + header
                    + lastEventId + "Connection: close\r\n\r\n", i % 4 != 2));
        }
        // 8. credentials: none, wrong, malformed, another tenant's key on this tenant's stream
        String[] credentials = {"", "Authorization: Bearer \r\n", "Authorization: Bearer wrong-key-wrong-key\r\n",
                "Authorization: Basic dXNlcjpwYXNz\r\n", "X-API-Key: \r\n", "Authorization: Bearer " + FUZZ_TENANT + "x\r\n",
                "Authorization: Bearer " + TENANT_B + "\r\n", "Authorization: " + FUZZ_TENANT + "\r\n"};
        for (int i = 0; i < 60; i++) {
            attacks.add(raw("credentials", "POST /stream/" + victim + "/send HTTP/1.1\r\nHost: x\r\n"
                    + credentials[random.nextInt(credentials.length)]
                    + "Content-Type: application/json\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{\"data\":\"x\"}",
                    false));
        }
        // 9. bodies cut short: the client declares more than it sends, then stops writing
        for (int i = 0; i < 30; i++) {
            String body = "{\"data\":\"" + "y".repeat(random.nextInt(100)) ;
            attacks.add(new Attack("truncated-body", ("POST /stream/" + victim + "/send HTTP/1.1\r\nHost: x\r\n" + auth
                    + "Content-Type: application/json\r\nContent-Length: " + (body.length() + 50)
                    + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1), true, true));
        }
        // 10. slowloris: a body that never finishes, and headers that never end
        attacks.add(new Attack("slowloris", ("POST /stream/" + victim + "/send HTTP/1.1\r\nHost: x\r\n" + auth
                + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"da").getBytes(StandardCharsets.ISO_8859_1),
                true, false));
        attacks.add(new Attack("slowloris", ("GET /stream/" + victim + "/results HTTP/1.1\r\nHost: x\r\n" + auth)
                .getBytes(StandardCharsets.ISO_8859_1), true, false));
        return attacks;
    }

    private static Attack post(String category, String path, String auth, String contentType, byte[] body) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("POST " + path + " HTTP/1.1\r\nHost: x\r\n" + auth
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        request.writeBytes(body);
        return new Attack(category, request.toByteArray(), false, false);
    }

    private static Attack raw(String category, String request, boolean mayClose) {
        return new Attack(category, request.getBytes(StandardCharsets.UTF_8), mayClose, false);
    }

    /** The answer's status, -1 when the connection was closed without one, -2 when it was held open for 15 s. */
    private int fire(Attack attack) {
        try (RawHttp connection = new RawHttp(port)) {
            connection.write(attack.request());
            if (attack.halfClose()) {
                connection.shutdownOutput();
            }
            return RawHttp.status(connection.readUntilClosed());
        } catch (AssertionError heldOpen) {
            return -2;
        } catch (java.io.UncheckedIOException refusedMidWrite) {
            return -1; // the server closed while the request was still being written (e.g. huge headers)
        }
    }

    /** An SSE reader that connects and then never reads a byte, with the smallest receive buffer the OS allows. */
    private Socket openReaderThatNeverReads(String stream) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(1024);
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        socket.getOutputStream().write(("GET /stream/" + stream + "/results HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + FUZZ_TENANT + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return socket;
    }
}
