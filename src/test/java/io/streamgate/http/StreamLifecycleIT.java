package io.streamgate.http;

import static io.streamgate.support.StreamClient.TIMEOUT;
import static io.streamgate.support.StreamClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import io.streamgate.kafka.TestKafka;
import io.streamgate.support.TestThreads;
import io.streamgate.support.GatewayIT;
import io.streamgate.support.RawHttp;
import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/** The stream contract end to end: HTTP in, Kafka, the processor, Kafka, SSE out. */
class StreamLifecycleIT extends GatewayIT {

    @Test
    void shouldDeliverEveryChunkUpperCasedInOrderWithIncreasingIds() {
        String id = client.start("fifty-" + System.nanoTime());
        List<ServerSentEvent<String>> received = new ArrayList<>();
        var reading = client.events(id).doOnNext(received::add).then().toFuture();

        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            seqs.add(client.send(id, "chunk number " + i));
        }
        client.end(id);
        reading.orTimeout(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();

        assertThat(received).hasSize(51);
        for (int i = 0; i < 50; i++) {
            ServerSentEvent<String> event = received.get(i);
            JsonNode data = json(event.data());
            assertThat(event.event()).isEqualTo("result");
            assertThat(data.get("seq").longValue()).as("the chunk it came from").isEqualTo(seqs.get(i));
            assertThat(data.get("data").stringValue()).isEqualTo("CHUNK NUMBER " + i);
        }
        assertThat(seqs).isSorted().doesNotHaveDuplicates();
        assertThat(received.stream().map(event -> Long.parseLong(event.id())).toList()).as("event ids")
                .isSorted().doesNotHaveDuplicates();
        assertThat(received.get(50).event()).isEqualTo("end");
        assertThat(json(received.get(50).data()).get("reason").stringValue()).isEqualTo("client");
    }

    @Test
    void shouldGiveALateReaderEverythingProducedBeforeItConnected() {
        String id = client.start("late-" + System.nanoTime());
        for (int i = 0; i < 50; i++) {
            client.send(id, "early " + i);
        }

        StepVerifier.create(client.events(id).take(50).map(event -> json(event.data()).get("data").stringValue()))
                .expectNextSequence(IntStream.range(0, 50).mapToObj(i -> "EARLY " + i).toList())
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void shouldResumeAfterLastEventIdWithNoGapAndNoRepeat() {
        String id = client.start("resume-" + System.nanoTime());
        List<Long> seqs = IntStream.range(0, 20).mapToObj(i -> client.send(id, "part " + i)).toList();
        List<ServerSentEvent<String>> firstSeven = client.events(id).take(7).collectList().block(TIMEOUT);
        String lastSeen = firstSeven.get(6).id();

        List<Long> rest = client.events(id, lastSeen).take(13).map(event -> json(event.data()).get("seq").longValue())
                .collectList().block(TIMEOUT);

        assertThat(json(firstSeven.get(6).data()).get("seq").longValue()).isEqualTo(seqs.get(6));
        assertThat(rest).as("the chunks after the last one seen, each once").containsExactlyElementsOf(seqs.subList(7, 20));
    }

    @Test
    void shouldCloseReadersWithTheEndEventOnlyAfterEveryEarlierResult() {
        String id = client.start("end-" + System.nanoTime());
        Mono<List<ServerSentEvent<String>>> reader = client.events(id).collectList().cache();
        reader.subscribe();
        Mono<List<ServerSentEvent<String>>> secondReader = client.events(id).collectList().cache();
        secondReader.subscribe();

        Flux.range(0, 30).concatMap(i -> Mono.fromCallable(() -> client.send(id, "x" + i))
                .subscribeOn(TestThreads.CLIENTS)).blockLast(TIMEOUT);
        client.end(id);

        for (Mono<List<ServerSentEvent<String>>> each : List.of(reader, secondReader)) {
            List<ServerSentEvent<String>> events = each.block(TIMEOUT);
            assertThat(events).hasSize(31);
            assertThat(events.subList(0, 30)).allMatch(event -> "result".equals(event.event()));
            assertThat(events.get(30).event()).isEqualTo("end");
        }
    }

    @Test
    void shouldStreamResultsToAnHttp10ClientUnchunkedAndCloseAtTheirEnd() {
        String id = client.start("http10-" + System.nanoTime());
        long seq = client.send(id, "old");
        client.end(id);
        client.awaitEnded(id);

        String answer;
        String headAnswer;
        try (RawHttp raw = new RawHttp(port)) {
            answer = raw.write("GET /stream/" + id + "/results HTTP/1.0\r\nHost: localhost\r\n"
                    + "Connection: keep-alive\r\n\r\n").readUntilClosed();
        }
        try (RawHttp raw = new RawHttp(port)) {
            headAnswer = raw.write("HEAD /stream/" + id + "/results HTTP/1.0\r\nHost: localhost\r\n"
                    + "Connection: keep-alive\r\n\r\n").readUntilClosed();
        }

        int bodyStart = answer.indexOf("\r\n\r\n") + 4;
        assertThat(answer.substring(0, bodyStart)).as("head of %s", answer).startsWith("HTTP/1.1 200 ")
                .containsIgnoringCase("content-type: text/event-stream").containsIgnoringCase("connection: close")
                .doesNotContainIgnoringCase("transfer-encoding");
        String body = answer.substring(bodyStart);
        assertThat(body.lines()).as("lines of the body as an HTTP/1.0 client reads it, no chunk sizes among them")
                .noneMatch(line -> line.matches("[0-9a-fA-F]+"))
                .contains("event:result", "data:{\"seq\":" + seq + ",\"data\":\"OLD\"}");
        assertThat(body).as("body").endsWith("event:end\ndata:{\"reason\":\"client\"}\n\n");
        assertThat(headAnswer).as("answer to HEAD, which closes the connection (HTTP/1.0 without keep-alive)")
                .startsWith("HTTP/1.0 200 ").doesNotContainIgnoringCase("transfer-encoding")
                .doesNotContainIgnoringCase("keep-alive").endsWith("\r\n\r\n");
    }

    @Test
    void shouldKeepAnHttp10ConnectionThatAsksForItAliveAcrossWholeAnswers() {
        String id = client.start("http10-kept-" + System.nanoTime());
        String status = "GET /stream/" + id + " HTTP/1.0\r\nHost: localhost\r\n%s\r\n";

        String answers;
        try (RawHttp raw = new RawHttp(port)) {
            answers = raw.write(status.formatted("Connection: keep-alive\r\n")).write(status.formatted(""))
                    .readUntilClosed();
        }
        client.end(id);

        String[] heads = Arrays.stream(answers.split("(?=HTTP/1\\.[01] \\d{3} )"))
                .map(answer -> answer.split("\r\n\r\n", 2)[0]).toArray(String[]::new);
        assertThat(heads).as("heads of the answers on one connection, of %s", answers).hasSize(2);
        assertThat(heads[0]).as("answer to the request that asked to be kept").startsWith("HTTP/1.0 200 ")
                .containsIgnoringCase("connection: keep-alive").containsIgnoringCase("content-length:");
        assertThat(heads[1]).as("answer to the request that did not").startsWith("HTTP/1.0 200 ")
                .doesNotContainIgnoringCase("connection:");
    }

    @Test
    void shouldKeepFortyConcurrentStreamsApartAndInOrder() {
        long run = System.nanoTime();
        int streams = 40;
        int chunks = 25;
        List<String> ids = IntStream.range(0, streams).mapToObj(i -> client.start("many-" + run + "-" + i)).toList();
        List<Mono<List<String>>> readers = ids.stream()
                .map(id -> client.events(id).take(chunks).map(e -> json(e.data()).get("data").stringValue())
                        .collectList().cache())
                .toList();
        readers.forEach(Mono::subscribe);

        Flux.fromIterable(ids)
                .flatMap(id -> Flux.range(0, chunks)
                        .concatMap(c -> Mono.fromCallable(() -> client.send(id, id + " chunk " + c))
                                .subscribeOn(TestThreads.CLIENTS)), streams)
                .blockLast(TIMEOUT);

        for (int i = 0; i < streams; i++) {
            String id = ids.get(i);
            List<String> expected = IntStream.range(0, chunks).mapToObj(c -> (id + " chunk " + c).toUpperCase()).toList();
            assertThat(readers.get(i).block(TIMEOUT)).as("results of %s", id).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void shouldAnswerJsonWhenTheClientAsksForJson() {
        String id = client.start("json-" + System.nanoTime());
        long seq = client.send(id, "hello");
        client.events(id).take(1).blockLast(TIMEOUT); // processed

        StreamClient.Answer open = client.exchange(client.http().get().uri("/stream/{id}/results", id)
                .accept(MediaType.APPLICATION_JSON));
        client.end(id);
        client.events(id).blockLast(TIMEOUT); // end delivered
        StreamClient.Answer ended = client.exchange(client.http().get().uri("/stream/{id}/results", id)
                .accept(MediaType.APPLICATION_JSON));

        assertThat(open.status()).isEqualTo(200);
        assertThat(open.body().get("status").stringValue()).isEqualTo("success");
        assertThat(open.body().get("data").get(0).get("seq").longValue()).isEqualTo(seq);
        assertThat(open.body().get("data").get(0).get("data").stringValue()).isEqualTo("HELLO");
        assertThat(open.body().get("ended").booleanValue()).isFalse();
        assertThat(ended.body().get("ended").booleanValue()).isTrue();
        assertThat(ended.body().get("data").size()).isEqualTo(1);
    }

    @Test
    void shouldAnswerAPollWithTheResultsAfterTheIdItAsksAfter() {
        String id = client.start("poll-" + System.nanoTime());
        client.send(id, "one");
        client.send(id, "two");
        client.events(id).take(2).blockLast(TIMEOUT); // processed

        JsonNode first = client.poll(id, null);
        client.send(id, "three");
        client.events(id).take(3).blockLast(TIMEOUT);
        JsonNode second = client.poll(id, first.get("last_event_id").asString());
        client.end(id);
        client.events(id).blockLast(TIMEOUT);
        JsonNode last = client.poll(id, second.get("last_event_id").asString());
        JsonNode again = client.poll(id, last.get("last_event_id").asString());

        assertThat(first.get("data").valueStream().map(result -> result.get("data").stringValue()))
                .as("first poll %s", first).containsExactly("ONE", "TWO");
        assertThat(second.get("data").valueStream().map(result -> result.get("data").stringValue()))
                .as("second poll %s", second).containsExactly("THREE");
        assertThat(last.get("data").size()).as("after the end %s", last).isZero();
        assertThat(last.get("ended").booleanValue()).as("after the end %s", last).isTrue();
        assertThat(last.get("last_event_id").longValue()).as("the end event's id %s", last)
                .isGreaterThan(second.get("last_event_id").longValue());
        assertThat(again).as("polled after the end event").isEqualTo(last);
        assertThat(first.has("gap")).as("first poll %s", first).isFalse();
    }

    @Test
    void shouldApplyTheProcessorChosenAtStart() {
        String echo = client.start("echo-" + System.nanoTime(), "echo");
        String counted = client.start("count-" + System.nanoTime(), "wordcount");
        client.send(echo, "Keep My Case");
        client.send(counted, "one two");
        client.send(counted, "three");

        JsonNode echoed = json(client.events(echo).blockFirst(TIMEOUT).data());
        JsonNode second = json(client.events(counted).take(2).blockLast(TIMEOUT).data());

        assertThat(echoed.get("data").stringValue()).isEqualTo("Keep My Case");
        assertThat(second.get("data").stringValue()).isEqualTo("three");
        assertThat(second.get("words").longValue()).isEqualTo(3);
        assertThat(second.get("chunks").longValue()).isEqualTo(2);
        assertThat(second.get("bytes").longValue()).isEqualTo(12);
    }

    @Test
    void shouldStoreARetriedSendOnceWhenItCarriesAnIdempotencyKey() {
        String id = client.start("idempotent-" + System.nanoTime());
        var send = client.http().post().uri("/stream/{id}/send", id).header("Idempotency-Key", "chunk-1")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"data\":\"only once\"}");

        long first = client.exchange(send).body().get("seq").longValue();
        long retried = client.exchange(send).body().get("seq").longValue();
        StreamClient.Answer reused = client.exchange(client.http().post().uri("/stream/{id}/send", id)
                .header("Idempotency-Key", "chunk-1").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"data\":\"other data\"}"));
        client.end(id);

        assertThat(retried).isEqualTo(first);
        assertThat(reused.status()).as("the key again, for other data: %s", reused).isEqualTo(422);
        assertThat(reused.body().get("type").stringValue()).isEqualTo("/problems/idempotency-key-reused");
        assertThat(client.events(id).collectList().block(TIMEOUT))
                .extracting(event -> event.event() + " " + json(event.data()).path("data").asString(""))
                .containsExactly("result ONLY ONCE", "end ");
        assertThat(client.exchange(client.http().post().uri("/stream/{id}/send", id).header("Idempotency-Key", "bad key")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"data\":\"x\"}")).status()).isEqualTo(400);
    }

    @Test
    void shouldAnswerHeadOnEveryGetRouteWithItsHeadersAndNoBody() {
        String id = client.start("head-" + System.nanoTime());
        client.send(id, "x");

        StreamClient.Answer status = client.exchange(client.http().head().uri("/stream/{id}", id));
        StreamClient.Answer events = client.exchange(client.http().head().uri("/stream/{id}/results", id));
        StreamClient.Answer held = client.exchange(client.http().head().uri("/stream/{id}/results", id)
                .accept(MediaType.APPLICATION_JSON));
        StreamClient.Answer unknown = client.exchange(client.http().head().uri("/stream/no-such-{n}", System.nanoTime()));
        StreamClient.Answer wrongMethod = client.exchange(client.http().put().uri("/stream/{id}", id));

        assertThat(List.of(status, events, held)).allSatisfy(answer -> {
            assertThat(answer.status()).as("answered %s", answer).isEqualTo(200);
            assertThat(answer.body()).as("answered %s", answer).isNull();
        });
        assertThat(status.contentType()).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(Long.parseLong(status.headers().get(HttpHeaders.CONTENT_LENGTH))).as("the GET's length")
                .isEqualTo(client.http().get().uri("/stream/{id}", id).retrieve().toEntity(byte[].class)
                        .block(TIMEOUT).getBody().length);
        assertThat(events.contentType().isCompatibleWith(MediaType.TEXT_EVENT_STREAM)).isTrue();
        assertThat(held.contentType()).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(client.status(id).get("readers").intValue()).as("a HEAD of the events is no reader").isZero();
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.headers().get(HttpHeaders.ALLOW)).isEqualTo("GET,HEAD,OPTIONS");
        client.end(id);
    }

    @Test
    void shouldAnswerOptionsOnEveryRouteWithTheMethodsItTakes() {
        String id = client.start("options-" + System.nanoTime());
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put("/stream/start", "POST,OPTIONS");
        paths.put("/stream/" + id + "/start", "POST,OPTIONS");
        paths.put("/stream/" + id + "/send", "POST,OPTIONS");
        paths.put("/stream/" + id + "/results", "GET,HEAD,OPTIONS");
        paths.put("/stream/" + id + "/end", "POST,OPTIONS");
        paths.put("/stream/" + id, "GET,HEAD,OPTIONS");
        paths.put("/stream/" + id + "/ws", "GET,OPTIONS"); // a WebSocket's path, opened with GET alone
        Map<String, String> answers = new LinkedHashMap<>();
        for (String path : paths.keySet()) {
            StreamClient.Answer answer = client.exchange(client.http().options().uri(path));
            answers.put(path, answer.status() + " " + answer.headers().get(HttpHeaders.ALLOW) + " "
                    + answer.headers().get(HttpHeaders.CONTENT_LENGTH) + " " + answer.body());
        }
        client.end(id);

        Map<String, String> expected = new LinkedHashMap<>();
        paths.forEach((path, allow) -> expected.put(path, "200 " + allow + " 0 null"));
        assertThat(answers).as("status, Allow, Content-Length and body of OPTIONS, by path").isEqualTo(expected);
        assertThat(TestKafka.readAll(REQUESTS_TOPIC)).filteredOn(record -> record.key().equals(id))
                .extracting(TestKafka.StoredRecord::kind).as("OPTIONS stores nothing").containsExactly("START", "END");
    }

    @Test
    void shouldRunAProcessorAddedAsASpringBean() {
        String id = client.start("plugin-" + System.nanoTime(), "reverse");
        client.send(id, "stressed");

        assertThat(json(client.events(id).blockFirst(TIMEOUT).data()).get("data").stringValue()).isEqualTo("desserts");
    }

    @Test
    void shouldReportTheStreamsState() {
        String id = client.start("state-" + System.nanoTime(), "echo");
        client.send(id, "a");
        client.events(id).take(1).blockLast(TIMEOUT);

        JsonNode open = client.status(id);
        client.end(id);
        client.events(id).blockLast(TIMEOUT);
        JsonNode ended = client.status(id);

        assertThat(open.get("state").stringValue()).isEqualTo("open");
        assertThat(open.get("processor").stringValue()).isEqualTo("echo");
        assertThat(open.get("results").longValue()).isEqualTo(1);
        assertThat(open.get("created").stringValue()).isNotBlank();
        assertThat(ended.get("state").stringValue()).isEqualTo("ended");
        assertThat(ended.get("end_reason").stringValue()).isEqualTo("client");
    }

    @Test
    void shouldKeepAQuietReaderAliveWithHeartbeatsAndNoCaching() {
        String id = client.start("quiet-" + System.nanoTime());

        var seen = client.http().get().uri("/stream/{id}/results", id).accept(MediaType.TEXT_EVENT_STREAM)
                .exchangeToMono(response -> response.bodyToFlux(DataBuffer.class)
                        .map(buffer -> {
                            String text = buffer.toString(StandardCharsets.UTF_8);
                            DataBufferUtils.release(buffer);
                            return text;
                        })
                        .filter(text -> text.contains(":heartbeat"))
                        .next()
                        .map(heartbeat -> Map.entry(response.headers().asHttpHeaders(), heartbeat)))
                .block(TIMEOUT);

        HttpHeaders headers = seen.getKey();
        assertThat(headers.getContentType().isCompatibleWith(MediaType.TEXT_EVENT_STREAM)).isTrue();
        assertThat(headers.getCacheControl()).isEqualTo("no-cache");
        assertThat(headers.getFirst("X-Accel-Buffering")).isEqualTo("no");
        assertThat(seen.getValue()).startsWith(":heartbeat");
    }

    @Test
    void shouldTellAReaderThatAlreadyHasTheEndToStopReconnecting() {
        String id = client.start("done-" + System.nanoTime());
        client.send(id, "a");
        client.end(id);
        String endId = client.events(id).blockLast(TIMEOUT).id();

        StreamClient.Answer again = client.exchange(client.http().get().uri("/stream/{id}/results", id)
                .header("Last-Event-ID", endId));

        assertThat(again.status()).isEqualTo(204);
    }

    @Test
    void shouldStartAStreamWithAGeneratedIdAndLocation() {
        StreamClient.Answer answer = client.exchange(client.http().post().uri("/stream/start"));

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.body().get("status").stringValue()).isEqualTo("success");
        assertThat(answer.body().get("message").stringValue()).isEqualTo("Stream started successfully!");
        String id = answer.body().get("stream_id").stringValue();
        assertThat(answer.headers().get("Location")).isEqualTo("/stream/" + id);
        assertThat(client.send(id, "works")).isNotNegative();
    }

    @Test
    void shouldUseTheConfiguredClusterAndNoEmbeddedBroker() {
        JsonNode kafka = client.exchange(client.http().get().uri("/actuator/health")).body().get("components").get("kafka");

        assertThat(kafka.get("status").stringValue()).isEqualTo("UP");
        assertThat(kafka.get("details").get("bootstrapServers").stringValue()).isEqualTo(TestKafka.bootstrapServers());
        assertThat(java.nio.file.Path.of("data", "kafka")).doesNotExist();
    }

    @Test
    void shouldExposeStreamMetricsForPrometheus() {
        String id = client.start("metrics-" + System.nanoTime());
        client.send(id, "counted");

        assertThat(scrape()).contains("streamgate_chunks_sent_total", "streamgate_send_latency_seconds_bucket",
                "streamgate_streams_open", "streamgate_sse_readers", "streamgate_results_delivered_total",
                "streamgate_results_passed_over_total 0.0",
                "streamgate_streams_history_share_bytes", "streamgate_streams_idempotency_keys_share 1024.0",
                // the start was confirmed through a processor's transaction
                "streamgate_processing_commits_seconds_bucket", "streamgate_processing_commit_results_count");
    }

    /** Requests are timed, and not also held in a long-task timer per request (application.yaml says why). */
    @Test
    void shouldTimeRequestsWithoutALongTaskTimer() {
        client.start("timed-" + System.nanoTime());

        String scraped = scrape();
        assertThat(scraped).contains("http_server_requests_seconds_count{");
        assertThat(scraped.lines().filter(line -> line.startsWith("http_server_requests_active")))
                .as("the long-task timer's lines").isEmpty();
    }

    /**
     * An SSE read is timed to its answer, not to its reader's leaving (SseReadObservation): counted in
     * {@code http.server.requests} while its reader is still connected, and a refused read counted with its status.
     */
    @Test
    void shouldCountAnSseReadOnceItIsAnsweredWhileItsReaderStaysConnected() {
        String id = client.start("timed-read-" + System.nanoTime());
        double answeredBefore = readsCounted("200");
        double refusedBefore = readsCounted("404");
        List<ServerSentEvent<String>> received = new CopyOnWriteArrayList<>();
        var reader = client.events(id).subscribe(received::add);
        try {
            client.send(id, "one");
            await().atMost(TIMEOUT).until(() -> !received.isEmpty());

            assertThat(readsCounted("200") - answeredBefore).as("answered reads, the reader still connected")
                    .isEqualTo(1);
        } finally {
            reader.dispose();
        }
        assertThat(client.exchange(client.http().get().uri("/stream/no-such-stream/results")).status()).isEqualTo(404);
        assertThat(readsCounted("404") - refusedBefore).as("reads answered 404").isEqualTo(1);
    }

    /** {@code http_server_requests_seconds_count} of the results route with the given status, from the scrape. */
    private double readsCounted(String status) {
        return client.scraped("http_server_requests_seconds_count", "uri", StreamRoutes.RESULTS, "status", status);
    }

    private String scrape() {
        return client.http().get().uri("/actuator/prometheus").retrieve().bodyToMono(String.class).block(TIMEOUT);
    }
}
