package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.streamgate.support.GatewayIT;
import io.streamgate.support.StreamClient;
import io.streamgate.support.StreamClient.Answer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

/**
 * Records Kafka refuses as too large after an operator lowered a topic's {@code max.message.bytes} under a running
 * instance (a start refuses such topics; this is the change made after it). A single send gets a {@code 413} naming
 * Kafka's setting, not a {@code 503} to retry for ever; Kafka answers each record of a batch on its own, so a batch
 * with one such chunk is stored in part, and its answer says which part instead of "nothing was stored". A result
 * too large for the results topic becomes a notice instead of failing its partition's every transaction for ever.
 */
@TestPropertySource(properties = {
        "streamgate.kafka.requests-topic=" + RefusedRecordsIT.REQUESTS,
        "streamgate.kafka.results-topic=" + RefusedRecordsIT.RESULTS,
        "streamgate.kafka.processor-group=it-refused-processor"})
@ExtendWith(OutputCaptureExtension.class)
class RefusedRecordsIT extends GatewayIT {

    static final String REQUESTS = "it.refused.requests";
    static final String RESULTS = "it.refused.results";
    private static final int TOPIC_LIMIT = 2_000;
    /** Under the requests topic's limit, over what the results topic takes (a record of 1,500 bytes). */
    private static final int RESULTS_LIMIT = 1_500;
    private static final String TOO_LARGE = "x".repeat(3 * TOPIC_LIMIT);

    @BeforeEach
    void lowerTheTopicsLimits() {
        TestKafka.setConfig(REQUESTS, "max.message.bytes", Integer.toString(TOPIC_LIMIT));
        TestKafka.setConfig(RESULTS, "max.message.bytes", Integer.toString(RESULTS_LIMIT));
    }

    @Test
    void shouldWriteANoticeForAResultTooLargeForTheResultsTopicAndGoOnWithThePartition(CapturedOutput output) {
        String id = client.start("result-too-large-" + System.nanoTime());
        String fitsTheRequestsTopicOnly = "x".repeat(RESULTS_LIMIT);

        long big = client.send(id, fitsTheRequestsTopicOnly);
        long after = client.send(id, "after");

        awaitResults(id, 2);
        JsonNode results = client.poll(id, null).get("data");
        assertThat(results).as("the big chunk's result, then the next one's").hasSize(2);
        assertThat(results.get(0).get("seq").longValue()).isEqualTo(big);
        assertThat(results.get(0).get("error").asString()).isEqualTo("result too large");
        assertThat(results.get(1).get("seq").longValue()).isEqualTo(after);
        assertThat(results.get(1).get("data").asString()).isEqualTo("AFTER");
        assertThat(output.getOut()).as("the operator is told which topic takes less")
                .contains(RESULTS + " takes records of at most " + RESULTS_LIMIT + " bytes");
        client.end(id);
    }

    @Test
    void shouldAnswerAChunkKafkaRefusesAsTooLargeWith413NamingKafkasSettingAndStoreNothing(CapturedOutput output) {
        String id = client.start("refused-" + System.nanoTime());

        Answer refused = client.trySend(id, TOO_LARGE);

        assertThat(refused.status()).as("answered: %s", refused.body()).isEqualTo(413);
        assertThat(refused.body().get("type").asString()).isEqualTo("/problems/payload-too-large");
        assertThat(refused.body().get("limit").asString()).isEqualTo("max.message.bytes");
        assertThat(refused.headers()).as("not a failure to retry").doesNotContainKey(HttpHeaders.RETRY_AFTER);
        // At once, or, when this class's other refusals of the same chunk opened a burst, within its 10 s window
        // as the last of those it counts (README's Errors).
        Awaitility.await("the operator told what to raise").atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(output.getOut())
                        .contains("Kafka refused a record of " + TOO_LARGE.length() + " bytes for " + REQUESTS
                                + " as too large"));
        client.send(id, "fits");
        awaitResults(id, 1);
        assertThat(chunksStored(id)).as("what the requests topic holds of the stream").containsExactly("fits");
        assertThat(resultsData(id)).containsExactly("FITS");
        client.end(id);
    }

    @Test
    void shouldSayWhichChunksOfABatchKafkaStoredWhenItRefusedOneOfThem() {
        String id = client.start("refused-batch-" + System.nanoTime());

        Answer partly = client.trySendBatch(id, line("one") + line(TOO_LARGE) + line("three"));

        assertThat(partly.status()).as("answered: %s", partly.body()).isEqualTo(413);
        assertThat(partly.headers()).as("a retry of the whole would store the stored part again")
                .doesNotContainKey(HttpHeaders.RETRY_AFTER);
        JsonNode seqs = partly.body().get("seqs");
        assertThat(seqs).as("answered: %s", partly.body()).hasSize(3);
        assertThat(seqs.get(1).isNull()).as("the refused chunk has no seq: %s", seqs).isTrue();
        assertThat(partly.body().get("detail").asString()).startsWith("Kafka stored 2 of the batch's 3 chunks");
        awaitResults(id, 2);
        assertThat(chunksStored(id)).containsExactly("one", "three");
        assertThat(resultsSeqs(id)).as("the stored chunks' results carry the seqs the answer gave")
                .containsExactly(seqs.get(0).longValue(), seqs.get(2).longValue());
        assertThat(resultsData(id)).containsExactly("ONE", "THREE");
        client.end(id);
    }

    @Test
    void shouldAckTheFramesKafkaStoredAndAnswerTheRefusedOneWithItsError() {
        String id = client.start("refused-socket-" + System.nanoTime());
        List<JsonNode> received = new CopyOnWriteArrayList<>();

        new ReactorNettyWebSocketClient().execute(URI.create("ws://127.0.0.1:" + port + "/stream/" + id + "/ws"),
                        socket -> socket.send(Flux.just("one", TOO_LARGE, "three").map(socket::textMessage))
                                .thenMany(socket.receive().map(WebSocketMessage::getPayloadAsText)
                                        .map(StreamClient::json)
                                        .doOnNext(received::add)
                                        .filter(frame -> !frame.get("type").asString().equals("result"))
                                        .take(3))
                                .then(socket.close(CloseStatus.NORMAL)))
                .block(StreamClient.TIMEOUT);

        List<String> answers = received.stream().filter(frame -> !frame.get("type").asString().equals("result"))
                .map(frame -> frame.get("type").asString() + " " + frame.get("frame").asInt()
                        + (frame.has("status") ? " " + frame.get("status").asInt() : ""))
                .sorted().toList();
        assertThat(answers).as("received: %s", received).containsExactly("ack 1", "ack 3", "error 2 413");
        awaitResults(id, 2);
        assertThat(chunksStored(id)).containsExactly("one", "three");
        client.end(id);
    }

    private static String line(String data) {
        return "{\"data\":\"" + data + "\"}\n";
    }

    private void awaitResults(String id, int count) {
        Awaitility.await().atMost(StreamClient.TIMEOUT).untilAsserted(() -> {
            JsonNode status = client.status(id);
            assertThat(status.get("results").intValue()).as("results held; the stream's status: %s", status)
                    .isGreaterThanOrEqualTo(count);
        });
    }

    /** The data of the stream's chunks the requests topic holds, in order. */
    private static List<String> chunksStored(String id) {
        return TestKafka.readAll(REQUESTS).stream()
                .filter(record -> id.equals(record.key()) && "CHUNK".equals(record.kind()))
                .map(TestKafka.StoredRecord::value)
                .toList();
    }

    private List<String> resultsData(String id) {
        List<String> data = new ArrayList<>();
        client.poll(id, null).get("data").forEach(result -> data.add(result.get("data").asString()));
        return data;
    }

    private List<Long> resultsSeqs(String id) {
        return Arrays.stream(client.poll(id, null).get("data").valueStream().toArray(JsonNode[]::new))
                .map(result -> result.get("seq").longValue()).toList();
    }
}
