package io.streamgate.http;

import static io.streamgate.support.StreamClient.TIMEOUT;
import static io.streamgate.support.StreamClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

import io.streamgate.kafka.TestKafka;
import io.streamgate.support.GatewayIT;
import io.streamgate.support.RawHttp;
import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * Every kind of bad request gets its 4xx with an RFC 9457 body, and none of it reaches Kafka or a reader: after
 * the barrage, the victim stream's log and results hold exactly the one good chunk sent at the end.
 */
class BadInputIT extends GatewayIT {

    /** The start of an HTTP/1.1 answer, to count the answers a connection got. */
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 \\d{3} ");

    private record Case(String name, int status, Function<WebClient, WebClient.RequestHeadersSpec<?>> request) {
    }

    @Test
    void shouldRejectEveryBadRequestWithAProblemAndWriteNothing() {
        long run = System.nanoTime();
        String victim = client.start("victim-" + run);
        String ended = client.start("ended-" + run);
        client.end(ended);
        String unknown = "unknown-" + run;
        String tooLong = "x".repeat(129);
        String bigChunk = "{\"data\":\"" + "a".repeat(1024 * 1024 + 1) + "\"}";
        String deepJson = "{\"data\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        byte[] invalidUtf8 = {'{', '"', 'd', 'a', 't', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

        List<Case> cases = List.of(
                send(victim, "text/plain", "hello", "wrong content type", 415),
                new Case("no content type", 415, http -> http.post().uri("/stream/{id}/send", victim).bodyValue("{\"data\":\"x\"}".getBytes())),
                new Case("gzip body", 415, http -> http.post().uri("/stream/{id}/send", victim)
                        .contentType(MediaType.APPLICATION_JSON).header("Content-Encoding", "gzip")
                        .bodyValue(gzip("{\"data\":\"x\"}"))),
                new Case("body labelled gzip, sent plain", 415, http -> http.post().uri("/stream/{id}/send", victim)
                        .contentType(MediaType.APPLICATION_JSON).header("Content-Encoding", "identity, gzip")
                        .bodyValue("{\"data\":\"x\"}")),
                new Case("NDJSON batch labelled br", 415, http -> http.post().uri("/stream/{id}/send", victim)
                        .contentType(MediaType.APPLICATION_NDJSON).header("Content-Encoding", "br")
                        .bodyValue("{\"data\":\"x\"}\n")),
                new Case("start body labelled deflate", 415, http -> http.post().uri("/stream/{id}/start", unknown)
                        .contentType(MediaType.APPLICATION_JSON).header("Content-Encoding", "deflate")
                        .bodyValue("{\"processor\":\"echo\"}")),
                new Case("send in Latin-1", 415, http -> http.post().uri("/stream/{id}/send", victim)
                        .header("Content-Type", "application/json; charset=ISO-8859-1")
                        .bodyValue("{\"data\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1))),
                new Case("NDJSON batch in UTF-16", 415, http -> http.post().uri("/stream/{id}/send", victim)
                        .header("Content-Type", "application/x-ndjson; charset=UTF-16")
                        .bodyValue("{\"data\":\"x\"}\n".getBytes(StandardCharsets.UTF_16))),
                new Case("start body labelled Latin-1", 415, http -> http.post().uri("/stream/{id}/start", unknown)
                        .header("Content-Type", "application/json; charset=latin1")
                        .bodyValue("{\"processor\":\"echo\"}")),
                new Case("send in a charset no one knows", 415, http -> http.post().uri("/stream/{id}/send", victim)
                        .header("Content-Type", "application/json; charset=bogus").body(unparsed("{\"data\":\"x\"}"))),
                new Case("NDJSON batch in a charset no one knows", 415, http -> http.post().uri("/stream/{id}/send",
                        victim).header("Content-Type", "application/x-ndjson; charset=bogus")
                        .body(unparsed("{\"data\":\"x\"}\n"))),
                new Case("start body in a charset no one knows", 415, http -> http.post().uri("/stream/{id}/start",
                        unknown).header("Content-Type", "application/json; charset=bogus")
                        .body(unparsed("{\"processor\":\"echo\"}"))),
                send(victim, "application/json", "{\"data\":", "truncated JSON", 400),
                send(victim, "application/json", "{}", "missing data", 400),
                send(victim, "application/json", "{\"data\":5}", "data not a string", 400),
                send(victim, "application/json", "{\"data\":null}", "data null", 400),
                send(victim, "application/json", "{\"data\":{\"a\":1}}", "data an object", 400),
                send(victim, "application/json", "[\"x\"]", "body an array", 400),
                send(victim, "application/json", "", "empty body", 400),
                send(victim, "application/json", "{\"data\":\"x\"} trailing", "trailing garbage", 400),
                send(victim, "application/json", "{\"data\":\"a\",\"data\":\"b\"}", "duplicate field", 400),
                send(victim, "application/json", deepJson, "deeply nested JSON", 400),
                new Case("invalid UTF-8", 400, http -> http.post().uri("/stream/{id}/send", victim)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(invalidUtf8)),
                send(victim, "application/json", bigChunk, "chunk over 1 MiB", 413),
                send(victim, "application/json", "{\"data\":\"" + "b".repeat(3 * 1024 * 1024) + "\"}", "body over limit", 413),
                send(unknown, "application/json", "{\"data\":\"x\"}", "unknown stream", 404),
                send(ended, "application/json", "{\"data\":\"x\"}", "ended stream", 409),
                new Case("start an open id", 409, http -> http.post().uri("/stream/{id}/start", victim)),
                new Case("start an id with a space", 400, http -> http.post().uri("/stream/{id}/start", "bad id")),
                new Case("start an id of 129 chars", 400, http -> http.post().uri("/stream/{id}/start", tooLong)),
                new Case("start the id '..'", 400, http -> http.post().uri("/stream/../start")),
                new Case("start an id with %2F", 400, http -> http.post().uri(java.net.URI.create("http://127.0.0.1:" + port + "/stream/a%2Fb/start"))),
                new Case("start an id with unicode", 400, http -> http.post().uri("/stream/{id}/start", "jоb")),
                startWith("{\"processor\":\"no-such-processor\"}", "application/json", "unknown processor", 400),
                startWith("{\"processor\":7}", "application/json", "processor not a string", 400),
                startWith("processor=echo", "text/plain", "start body not JSON", 415),
                startWith("{\"processr\":\"wordcount\"}", "application/json", "start body with a misspelt member",
                        400),
                new Case("GET on send", 405, http -> http.get().uri("/stream/{id}/send", victim)),
                new Case("DELETE a stream", 405, http -> http.method(HttpMethod.DELETE).uri("/stream/{id}", victim)),
                new Case("TRACE a stream", 405, http -> http.method(HttpMethod.TRACE).uri("/stream/{id}", victim)),
                new Case("an unknown method on send", 405, http -> http.method(HttpMethod.valueOf("PURGE"))
                        .uri("/stream/{id}/send", victim)),
                new Case("an unknown method on an unknown path", 404, http -> http.method(HttpMethod.valueOf("PURGE"))
                        .uri("/streams")),
                new Case("PUT on start", 405, http -> http.put().uri("/stream/start")),
                new Case("GET on start", 405, http -> http.get().uri("/stream/start")),
                new Case("POST on a stream's WebSocket", 405, http -> http.post().uri("/stream/{id}/ws", victim)),
                new Case("malformed Last-Event-ID", 400, http -> http.get().uri("/stream/{id}/results", victim)
                        .header("Last-Event-ID", "abc")),
                new Case("negative Last-Event-ID", 400, http -> http.get().uri("/stream/{id}/results", victim)
                        .header("Last-Event-ID", "-4")),
                new Case("two Last-Event-IDs", 400, http -> http.get().uri("/stream/{id}/results", victim)
                        .header("Last-Event-ID", "1", "2")),
                new Case("two Idempotency-Keys", 400, http -> http.post().uri("/stream/{id}/send", victim)
                        .header("Idempotency-Key", "first", "second").contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"data\":\"under two keys\"}")),
                new Case("read with an Accept that is not a media type", 400, http -> http.get()
                        .uri("/stream/{id}/results", victim).header("Accept", "text")),
                new Case("read with an Accept that admits neither SSE nor JSON", 406, http -> http.get()
                        .uri("/stream/{id}/results", victim).header("Accept", "application/xml, text/html;q=0.9")),
                new Case("read with SSE and JSON both refused", 406, http -> http.get()
                        .uri("/stream/{id}/results", victim)
                        .header("Accept", "text/event-stream;q=0, application/json;q=0, image/png")),
                new Case("read an unknown stream", 404, http -> http.get().uri("/stream/{id}/results", unknown)),
                new Case("status of an unknown stream", 404, http -> http.get().uri("/stream/{id}", unknown)),
                new Case("end an unknown stream", 404, http -> http.post().uri("/stream/{id}/end", unknown)),
                new Case("end an ended stream", 409, http -> http.post().uri("/stream/{id}/end", ended)),
                new Case("unknown path", 404, http -> http.get().uri("/streams")));

        List<String> failures = new ArrayList<>();
        for (Case each : cases) {
            StreamClient.Answer answer = client.exchange(each.request().apply(client.http()));
            String problem = checkProblem(each, answer);
            if (problem != null) {
                failures.add(each.name() + ": " + problem);
            }
        }
        assertThat(failures).isEmpty();

        long good = client.send(victim, "the only good chunk");
        client.end(victim);
        assertThat(client.events(victim).collectList().block(TIMEOUT))
                .extracting(event -> event.event() + " " + json(event.data()))
                .containsExactly("result {\"seq\":" + good + ",\"data\":\"THE ONLY GOOD CHUNK\"}",
                        "end {\"reason\":\"client\"}");
        List<TestKafka.StoredRecord> requests = TestKafka.readAll(REQUESTS_TOPIC);
        assertThat(requests).filteredOn(record -> record.key().equals(victim))
                .extracting(TestKafka.StoredRecord::kind, TestKafka.StoredRecord::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("START", ""),
                        org.assertj.core.groups.Tuple.tuple("CHUNK", "the only good chunk"),
                        org.assertj.core.groups.Tuple.tuple("END", ""));
        assertThat(requests).filteredOn(record -> record.key().equals(ended))
                .extracting(TestKafka.StoredRecord::kind).containsExactly("START", "END");
        assertThat(requests).noneMatch(record -> record.key().startsWith("new-")); // every start with a bad body
        assertThat(requests).noneMatch(record -> record.key().equals(unknown) || record.key().equals(tooLong)
                || record.key().contains(" ") || record.key().equals(".."));
    }

    @Test
    void shouldNameTheTypesARouteTakesInA415sAccept() {
        String id = client.start("not-json-" + System.nanoTime());

        StreamClient.Answer send = client.exchange(client.http().post().uri("/stream/{id}/send", id)
                .contentType(MediaType.TEXT_PLAIN).bodyValue("hello"));
        StreamClient.Answer start = client.exchange(client.http().post().uri("/stream/start")
                .contentType(MediaType.TEXT_PLAIN).bodyValue("hello"));
        client.end(id);

        assertThat(send.status()).as("answered %s", send).isEqualTo(415);
        assertThat(MediaType.parseMediaTypes(send.headers().get("Accept"))).as("answered %s", send)
                .containsExactly(MediaType.APPLICATION_JSON, MediaType.APPLICATION_NDJSON);
        assertThat(start.status()).as("answered %s", start).isEqualTo(415);
        assertThat(MediaType.parseMediaTypes(start.headers().get("Accept"))).as("answered %s", start)
                .containsExactly(MediaType.APPLICATION_JSON);
    }

    @Test
    void shouldCloseAnIdentifiedProblemWithoutLeakingInternals() {
        StreamClient.Answer answer = client.exchange(client.http().post().uri("/stream/nope-{n}/send", System.nanoTime())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"data\":\"x\"}"));

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.body().get("type").stringValue()).isEqualTo("/problems/stream-not-found");
        assertThat(answer.body().get("instance").stringValue()).startsWith("/stream/nope-");
    }

    @Test
    void shouldSayWhatIsWrongWithABodysJsonInTheClientsTermsNotJacksons() {
        String id = client.start("json-words-" + System.nanoTime());
        Map<String, String> details = new LinkedHashMap<>();
        for (String body : List.of("{\"data\":\"x\"}{\"data\":\"y\"}", "{\"data\":\"x\"", "{\"data\":\"x\",\"data\":\"y\"}")) {
            details.put(body, client.exchange(client.http().post().uri("/stream/{id}/send", id)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(body)).body().get("detail").stringValue());
        }
        String batchDetail = client.exchange(client.http().post().uri("/stream/{id}/send", id)
                .contentType(MediaType.APPLICATION_NDJSON).bodyValue("{\"data\":\"a\"}\r{\"data\":\"b\"}\n"))
                .body().get("detail").stringValue();
        client.end(id);

        assertThat(details.values()).containsExactly(
                "The body must hold one JSON object and nothing after it",
                "The body ends before its JSON object does",
                "The body is not valid JSON at line 1, column 19: Duplicate Object property \"data\"");
        assertThat(batchDetail).isEqualTo("Line 1: The line must hold one JSON object and nothing after it");
    }

    @Test
    void shouldNameTheStartBodysOwnLimitWhenItIsTooLarge() {
        String options = "{\"processor\":\"filter\",\"options\":{\"contains\":\"" + "a".repeat(5000) + "\"}}";

        StreamClient.Answer answer = client.exchange(client.http().post().uri("/stream/start")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(options));

        assertThat(answer.status()).as("answered %s", answer).isEqualTo(413);
        assertThat(answer.body().get("limit").stringValue()).as("answered %s", answer).isEqualTo("start-body-size");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void shouldLeaveABodyThatIsNotValidChunkedToReactorNettysOwn400(CapturedOutput output) {
        String id = client.start("bad-chunks-" + System.nanoTime());

        String answer;
        try (RawHttp raw = new RawHttp(port)) {
            answer = raw.write("POST /stream/" + id + "/send HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                    + "application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n").readUntilClosed();
        }
        client.end(id);
        client.awaitEnded(id);

        assertThat(RawHttp.status(answer)).as(answer).isEqualTo(400);
        assertThat(output.getOut()).as("the log: Reactor Netty has answered, so there is nothing more to answer")
                .doesNotContain("500 Server Error").doesNotContain("Status and headers already sent");
        assertThat(TestKafka.readAll(REQUESTS_TOPIC)).filteredOn(record -> record.key().equals(id))
                .extracting(TestKafka.StoredRecord::kind).containsExactly("START", "END");
    }

    /**
     * A client that resets its connection mid-body (killed, or timed out at its end) went away: no failure of the
     * gateway's. Each was logged at ERROR with its stack, and a JSON body's reset twice (Reactor signals it again).
     */
    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/x-ndjson"})
    @ExtendWith(OutputCaptureExtension.class)
    void shouldTakeASendResetMidBodyAsAClientGoneNotAnError(String type, CapturedOutput output) {
        String id = client.start("reset-send-" + System.nanoTime());
        String requests = "http_server_requests_seconds_count";
        String[] sends = {"uri", "/stream/{streamId}/send"};
        String[] aborted = {"uri", "/stream/{streamId}/send", "outcome", "UNKNOWN"};
        double sendsBefore = client.scraped(requests, sends);
        double abortedBefore = client.scraped(requests, aborted);

        try (RawHttp raw = new RawHttp(port)) {
            raw.write("POST /stream/" + id + "/send HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + type
                    + "\r\nContent-Length: 4096\r\nExpect: 100-continue\r\n\r\n");
            assertThat(raw.readHead()).as("the body asked for, so the send is reading it").startsWith("HTTP/1.1 100 ");
            raw.write("{\"data\":\"cut off\"}\n{\"data\":");
            raw.reset();
        }

        await("the send recorded").atMost(TIMEOUT).until(() -> client.scraped(requests, sends) > sendsBefore);
        assertThat(output.getOut()).as("the log").doesNotContain("Unexpected failure serving")
                .doesNotContain("onErrorDropped").doesNotContain("500 Server Error");
        assertThat(client.scraped(requests, aborted) - abortedBefore).as("sends recorded as aborted by the client")
                .isEqualTo(1);
        client.end(id);
    }

    @Test
    void shouldRefuseASendToAStreamThatTakesNoChunksBeforeTheClientUploadsItsBody() {
        long run = System.nanoTime();
        String ended = client.start("no-upload-" + run);
        client.end(ended);
        client.awaitEnded(ended);
        String send = "POST /stream/%s/send HTTP/1.1\r\nHost: localhost\r\nContent-Type: %s\r\n"
                + "Content-Length: 4096\r\nExpect: 100-continue\r\n\r\n";
        Map<String, String> answers = new LinkedHashMap<>();
        for (String id : List.of("no-upload-unknown-" + run, ended)) {
            for (String type : List.of("application/json", "application/x-ndjson")) {
                try (RawHttp raw = new RawHttp(port)) {
                    answers.put(type + " to " + id, raw.write(send.formatted(id, type)).readUntilClosed());
                }
            }
        }

        assertThat(answers).allSatisfy((request, answer) -> assertThat(answer).as(request)
                .doesNotContain("100 Continue").contains("application/problem+json")
                .startsWith(request.endsWith(ended) ? "HTTP/1.1 409 " : "HTTP/1.1 404 "));
    }

    @Test
    void shouldSayNothingIsServedAtAnUnknownPathAndThatTheApisPathsEndWithoutASlash() {
        StreamClient.Answer unknown = client.exchange(client.http().get().uri("/streams"));
        StreamClient.Answer slash = client.exchange(client.http().get().uri("/stream/some-id/"));

        assertThat(unknown.body().get("detail").stringValue()).as("answered %s", unknown)
                .isEqualTo("Nothing is served at /streams");
        assertThat(slash.body().get("detail").stringValue()).as("answered %s", slash)
                .isEqualTo("Nothing is served at /stream/some-id/ (the API's paths end without a slash)");
    }

    @Test
    void shouldRefuseAnHttp11RequestWithoutOneValidHostAndStoreNothing() {
        String id = client.start("hosts-" + System.nanoTime());
        String send = "POST /stream/" + id + "/send HTTP/1.1\r\n%sContent-Type: application/json\r\n"
                + "Content-Length: 12\r\nConnection: close\r\n\r\n{\"data\":\"x\"}";
        Map<String, String> answers = new LinkedHashMap<>();
        for (String hosts : List.of("", "Host: localhost\r\nHost: other\r\n", "Host: local host\r\n")) {
            try (RawHttp raw = new RawHttp(port)) {
                answers.put(hosts, raw.write(send.formatted(hosts)).readUntilClosed());
            }
        }
        String http10;
        try (RawHttp raw = new RawHttp(port)) {
            http10 = raw.write("GET /stream/" + id + " HTTP/1.0\r\n\r\n").readUntilClosed();
        }
        client.end(id);
        client.awaitEnded(id);

        assertThat(answers).allSatisfy((hosts, answer) -> assertThat(answer).as("answer with %s", hosts)
                .startsWith("HTTP/1.1 400 ").contains("application/problem+json")
                .contains("exactly one Host header"));
        assertThat(http10).as("HTTP/1.0 has no Host rule").startsWith("HTTP/1.0 200 ");
        assertThat(TestKafka.readAll(REQUESTS_TOPIC)).filteredOn(record -> record.key().equals(id))
                .extracting(TestKafka.StoredRecord::kind).containsExactly("START", "END");
    }

    /** A request written byte for byte, and the problem it must get: status, type and a piece of its detail. */
    private record RawCase(String name, String request, int status, String type, String detail) {
    }

    @Test
    void shouldAnswerARequestNettyCannotDecodeWithAProblemInTurnAndStoreNothing() {
        String id = client.start("undecodable-" + System.nanoTime());
        String send = "POST /stream/" + id + "/send HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";
        String get = "GET /stream/" + id + " HTTP/%s\r\nHost: localhost\r\n\r\n";
        String notHttp = "The request is not valid HTTP: ";
        List<RawCase> cases = List.of(
                new RawCase("a header name with a space", send + "Content-Length: 12\r\nBad Name: 1\r\n\r\n{\"data\":\"x\"}",
                        400, "invalid-request", notHttp + "a header name can only contain"),
                new RawCase("Content-Length twice", send + "Content-Length: 12\r\nContent-Length: 13\r\n\r\n{\"data\":\"x\"}",
                        400, "invalid-request", notHttp + "Multiple Content-Length values"),
                new RawCase("Content-Length beside chunked", send + "Content-Length: 12\r\nTransfer-Encoding: chunked\r\n"
                        + "\r\nc\r\n{\"data\":\"x\"}\r\n0\r\n\r\n", 400, "invalid-request", notHttp + "Content-Length"),
                new RawCase("a chunk size that is not hexadecimal", send + "Transfer-Encoding: chunked\r\n\r\nzz\r\n",
                        400, "invalid-request", notHttp + "Invalid character in chunk size"),
                new RawCase("an HTTP/1.0 send that is chunked", send.replace("HTTP/1.1", "HTTP/1.0")
                        + "Transfer-Encoding: chunked\r\n\r\nc\r\n{\"data\":\"x\"}\r\n0\r\n\r\n", 400, "invalid-request",
                        notHttp + "The Transfer-Encoding header is only allowed in HTTP/1.1"),
                new RawCase("a gzip transfer coding before chunked", send + "Transfer-Encoding: gzip, chunked\r\n\r\n"
                        + "c\r\n{\"data\":\"x\"}\r\n0\r\n\r\n", 501, "not-implemented",
                        "transfer coding is not implemented: Transfer-Encoding names 'gzip';"),
                new RawCase("a transfer coding on a header line of its own", send + "Transfer-Encoding: deflate\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\nc\r\n{\"data\":\"x\"}\r\n0\r\n\r\n",
                        501, "not-implemented", "Transfer-Encoding names 'deflate';"),
                new RawCase("a version that is not one", get.formatted("1.x"), 400, "invalid-request",
                        notHttp + "Invalid version number"),
                new RawCase("HTTP/2.0 as text", get.formatted("2.0"), 400, "invalid-request",
                        "HTTP/2 is not written as a text request line"),
                new RawCase("HTTP/3.0 as text", get.formatted("3.0"), 505, "http-version-not-supported",
                        "HTTP/3.0 is not served here"),
                new RawCase("HTTP/0.9 as text", get.formatted("0.9"), 505, "http-version-not-supported",
                        "HTTP/0.9 is not served here"),
                new RawCase("a send in HTTP/3.0, its body after it", send.replace("HTTP/1.1", "HTTP/3.0")
                        + "Content-Length: 12\r\n\r\n{\"data\":\"x\"}", 505, "http-version-not-supported",
                        "HTTP/3.0 is not served here"),
                new RawCase("a request line over 4 KB", "GET /stream/" + id + "?" + "q".repeat(5000)
                        + " HTTP/1.1\r\nHost: localhost\r\n\r\n", 414, "uri-too-long",
                        "The request line is too long: An HTTP line is larger than 4096 bytes."));
        Map<String, Double> refusedBefore = Map.of("400", refusals("400", "invalid-request"),
                "414", refusals("414", "uri-too-long"), "501", refusals("501", "not-implemented"),
                "505", refusals("505", "http-version-not-supported"));
        Map<RawCase, String> answers = new LinkedHashMap<>();
        for (RawCase each : cases) {
            try (RawHttp raw = new RawHttp(port)) {
                answers.put(each, raw.write(each.request()).readUntilClosed());
            }
        }
        String pipelined;
        try (RawHttp raw = new RawHttp(port)) {
            pipelined = raw.write("GET /stream/" + id + " HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /stream/" + id + " HTTP/1.1\r\nHost: localhost\r\nNo Colon\r\n\r\n").readUntilClosed();
        }
        client.end(id);
        client.awaitEnded(id);

        assertThat(answers).allSatisfy((each, answer) -> assertThat(answer).as("answer to %s", each.name())
                .startsWith("HTTP/1.1 " + each.status() + " ")
                .satisfies(text -> assertThat(STATUS_LINE.matcher(text).results().count()).as("answers").isEqualTo(1))
                .containsIgnoringCase("connection: close")
                .containsIgnoringCase("content-type: application/problem+json").contains("X-Content-Type-Options: nosniff")
                .contains("\"type\":\"/problems/" + each.type() + "\"").contains(each.detail()));
        assertThat(answers.entrySet()).filteredOn(entry -> entry.getKey().status() == 414).singleElement()
                .satisfies(entry -> assertThat(entry.getValue()).contains("\"limit\":\"max-initial-line-length\""));
        assertThat(pipelined).as("a good request, then one Netty cannot decode, on one connection")
                .startsWith("HTTP/1.1 200 ").contains("HTTP/1.1 400 ").contains("No colon found");
        assertThat(Map.of("400", refusals("400", "invalid-request") - refusedBefore.get("400"),
                "414", refusals("414", "uri-too-long") - refusedBefore.get("414"),
                "501", refusals("501", "not-implemented") - refusedBefore.get("501"),
                "505", refusals("505", "http-version-not-supported") - refusedBefore.get("505")))
                .as("streamgate_http_refusals_total added, by status")
                .isEqualTo(Map.of("400", 8.0, "414", 1.0, "501", 2.0, "505", 3.0));
        assertThat(TestKafka.readAll(REQUESTS_TOPIC)).filteredOn(record -> record.key().equals(id))
                .extracting(TestKafka.StoredRecord::kind).containsExactly("START", "END");
    }

    @Test
    void shouldAnswerATargetThatIsNotAUriWithAProblemStoreNothingAndKeepTheConnection() {
        String id = client.start("targets-" + System.nanoTime());
        String send = "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 12\r\n"
                + "Connection: close\r\n\r\n{\"data\":\"x\"}";
        double refusedBefore = refusals("400", "invalid-request");
        Map<String, String> answers = new LinkedHashMap<>();
        for (String target : List.of("/stream/%zz/send", "/stream/" + id + "/send?x=%2", "/stream/" + id + "/send?q=\"x\"",
                "/stream/{" + id + "}/send")) {
            try (RawHttp raw = new RawHttp(port)) {
                answers.put(target, raw.write(send.formatted(target)).readUntilClosed());
            }
        }
        String pipelined;
        try (RawHttp raw = new RawHttp(port)) {
            pipelined = raw.write("GET /stream/%zz HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /stream/" + id + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").readUntilClosed();
        }
        client.end(id);
        client.awaitEnded(id);

        assertThat(answers).allSatisfy((target, answer) -> assertThat(answer).as("answer to %s", target)
                .startsWith("HTTP/1.1 400 ").contains("Content-Type: application/problem+json")
                .contains("X-Content-Type-Options: nosniff").contains("\"type\":\"/problems/invalid-request\"")
                .contains("is not a valid URI"));
        assertThat(pipelined).as("a bad target, then a good one on the same connection")
                .startsWith("HTTP/1.1 400 ").contains("Malformed escape pair at index 8").contains("HTTP/1.1 200 ");
        assertThat(refusals("400", "invalid-request") - refusedBefore).as("streamgate_http_refusals_total added")
                .isEqualTo(5.0);
        assertThat(TestKafka.readAll(REQUESTS_TOPIC)).filteredOn(record -> record.key().equals(id))
                .extracting(TestKafka.StoredRecord::kind).containsExactly("START", "END");
    }

    @Test
    void shouldAnswerOptionsAsteriskForTheServerAndRefuseTheAsteriskFormForAnyOtherMethod() {
        double refusedBefore = refusals("400", "invalid-request");
        String options;
        String get;
        try (RawHttp raw = new RawHttp(port)) {
            options = raw.write("OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").readUntilClosed();
        }
        try (RawHttp raw = new RawHttp(port)) {
            get = raw.write("GET * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").readUntilClosed();
        }

        assertThat(options).as("answer to OPTIONS *").startsWith("HTTP/1.1 200 ")
                .contains("Allow: " + AsteriskRequests.ALLOW, "X-Content-Type-Options: nosniff");
        assertThat(get).as("answer to GET *").startsWith("HTTP/1.1 400 ")
                .contains("Content-Type: application/problem+json", "\"type\":\"/problems/invalid-request\"",
                        "is for OPTIONS only");
        assertThat(refusals("400", "invalid-request") - refusedBefore).as("streamgate_http_refusals_total added")
                .isEqualTo(1.0);
    }

    @Test
    void shouldRefuseConnectAsAProxysMethodAndCloseTheConnection() {
        double refusedBefore = refusals("501", "not-implemented");
        String answer;
        try (RawHttp raw = new RawHttp(port)) {
            // Bytes for the tunnel sent ahead of its answer, as an optimistic client does: never read as a request.
            answer = raw.write("CONNECT 127.0.0.1:" + port + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n"
                    + "GET /stream/nothing HTTP/1.1\r\nHost: localhost\r\n\r\n").readUntilClosed();
        }

        assertThat(answer).as("answer to CONNECT").startsWith("HTTP/1.1 501 ")
                .satisfies(text -> assertThat(STATUS_LINE.matcher(text).results().count()).as("answers").isEqualTo(1))
                .containsIgnoringCase("connection: close")
                .contains("Content-Type: application/problem+json", "X-Content-Type-Options: nosniff",
                        "\"type\":\"/problems/not-implemented\"", "CONNECT is not implemented");
        assertThat(refusals("501", "not-implemented") - refusedBefore).as("streamgate_http_refusals_total added")
                .isEqualTo(1.0);
    }

    @Test
    void shouldServeALaterHttp1MinorVersionAsHttp11() {
        String id = client.start("http12-" + System.nanoTime());
        String answer;
        try (RawHttp raw = new RawHttp(port)) {
            answer = raw.write("GET /stream/" + id + " HTTP/1.2\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .readUntilClosed();
        }
        client.end(id);

        assertThat(answer).as("an HTTP/1.2 request's answer").startsWith("HTTP/1.1 200 ").contains("\"stream_id\":\"" + id);
    }

    private double refusals(String status, String type) {
        return client.scraped("streamgate_http_refusals_total", "status", status, "type", type);
    }

    private static byte[] gzip(String text) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * A body written as it is, its {@code Content-Type} never parsed on the way: WebClient's encoders parse it and
     * refuse one naming a charset the JVM does not know before anything is sent.
     */
    private static BodyInserter<Flux<DataBuffer>, ReactiveHttpOutputMessage> unparsed(String body) {
        return BodyInserters.fromDataBuffers(Flux.just(DefaultDataBufferFactory.sharedInstance
                .wrap(body.getBytes(StandardCharsets.UTF_8))));
    }

    private static Case send(String id, String contentType, String body, String name, int status) {
        return new Case(name, status, http -> http.post().uri("/stream/{id}/send", id)
                .contentType(MediaType.parseMediaType(contentType))
                .bodyValue(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static Case startWith(String body, String contentType, String name, int status) {
        return new Case(name, status, http -> http.post().uri("/stream/{id}/start", "new-" + System.nanoTime())
                .contentType(MediaType.parseMediaType(contentType))
                .bodyValue(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** What is wrong with the answer to a bad request, or null when it is the right problem. */
    private static String checkProblem(Case each, StreamClient.Answer answer) {
        if (answer.status() != each.status()) {
            return "status " + answer.status() + " instead of " + each.status() + " " + answer.body();
        }
        if (answer.contentType() == null || !answer.contentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)) {
            return "content type " + answer.contentType();
        }
        var body = answer.body();
        if (body == null || body.get("status") == null || body.get("status").intValue() != each.status()
                || body.get("title") == null || body.get("detail") == null || body.get("type") == null) {
            return "not a problem body: " + body;
        }
        String text = body.toString();
        if (text.contains("Exception") || text.contains("\tat ") || text.contains("io.streamgate")
                || text.contains("`") || text.contains("Feature")) {
            return "leaks internals: " + text;
        }
        if (each.status() == 405 && answer.headers().get("Allow") == null) {
            return "405 without Allow";
        }
        return null;
    }
}
