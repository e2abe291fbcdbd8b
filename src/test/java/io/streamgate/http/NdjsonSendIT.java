package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.streamgate.support.GatewayIT;
import io.streamgate.support.StreamClient;
import io.streamgate.support.StreamClient.Answer;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.TestPropertySource;
import reactor.core.publisher.Flux;

/**
 * Many chunks in one request ({@code Content-Type: application/x-ndjson}): stored in order and answered with the first
 * and last seq once all are durable; one bad line refuses the whole batch, with its line number, and stores nothing.
 */
@TestPropertySource(properties = {
        "streamgate.stream.max-chunk-size=16KB",
        "streamgate.stream.max-batch-chunks=1000",
        "streamgate.stream.max-batch-size=64KB"})
class NdjsonSendIT extends GatewayIT {

    @Test
    void shouldStoreEveryLineInOrderAndAnswerOnceAllAreDurable() {
        String id = client.start("batch-" + System.nanoTime(), "uppercase");
        CompletableFuture<List<ServerSentEvent<String>>> reader = client.events(id).collectList().toFuture();

        Answer answer = client.trySendBatch(id, lines(1, 500));
        client.end(id);
        List<ServerSentEvent<String>> results = reader.join().subList(0, 500);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().get("chunks").asInt()).isEqualTo(500);
        assertThat(results).extracting(event -> StreamClient.json(event.data()).get("data").asString())
                .as("every line, once, in order").isEqualTo(IntStream.rangeClosed(1, 500)
                        .mapToObj(i -> "LINE " + i).toList());
        assertThat(StreamClient.json(results.get(0).data()).get("seq").asLong())
                .isEqualTo(answer.body().get("first_seq").asLong());
        assertThat(StreamClient.json(results.get(499).data()).get("seq").asLong())
                .isEqualTo(answer.body().get("last_seq").asLong());
    }

    @Test
    void shouldRefuseTheWholeBatchForOneBadLineNamingItAndStoreNothing() {
        String id = client.start("bad-line-" + System.nanoTime());
        String body = lines(1, 2) + "{\"data\": 5}\n" + lines(4, 5);

        Answer refused = client.trySendBatch(id, body);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.contentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue();
        assertThat(refused.body().get("line").asInt()).isEqualTo(3);
        assertThat(refused.body().get("detail").asString()).startsWith("Line 3: ").contains("must be a string");
        assertNothingStored(id);
    }

    @Test
    void shouldRefuseLinesThatAreNotJsonOrNotUtf8WithTheirNumber() {
        String id = client.start("bad-bytes-" + System.nanoTime());
        byte[] notUtf8 = (lines(1, 1) + "{\"data\":\"").getBytes(StandardCharsets.UTF_8);
        byte[] body = concat(notUtf8, new byte[] {(byte) 0xC3, 0x28}, "\"}\n".getBytes(StandardCharsets.UTF_8));

        Answer notJson = client.trySendBatch(id, lines(1, 3) + "{\"data\": \"unterminated\n");
        Answer badBytes = client.exchange(client.http().post().uri("/stream/{id}/send", id)
                .contentType(MediaType.APPLICATION_NDJSON).bodyValue(body));

        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body().get("line").asInt()).isEqualTo(4);
        assertThat(badBytes.status()).isEqualTo(400);
        assertThat(badBytes.body().get("line").asInt()).isEqualTo(2);
        assertNothingStored(id);
    }

    @Test
    void shouldRefuseABatchOverItsLimitsWith413EvenWhenItsSizeIsNotDeclared() {
        String id = client.start("too-big-" + System.nanoTime());
        String line = "{\"data\":\"" + "x".repeat(1000) + "\"}\n";
        // Streamed in pieces with no Content-Length: refused once it grows past 64 KB, not after reading it all.
        Flux<String> streamed = Flux.range(0, 200).map(i -> line);

        Answer tooLarge = client.exchange(client.http().post().uri("/stream/{id}/send", id)
                .contentType(MediaType.APPLICATION_NDJSON).body(streamed, String.class));
        Answer tooMany = client.trySendBatch(id, "{\"data\":\"x\"}\n".repeat(1001));

        assertThat(tooLarge.status()).as("answered %s", tooLarge.body()).isEqualTo(413);
        assertThat(tooLarge.body().get("limit").stringValue()).isEqualTo("max-batch-size");
        assertThat(tooMany.status()).as("answered %s", tooMany.body()).isEqualTo(413);
        assertThat(tooMany.body().get("limit").stringValue()).isEqualTo("max-batch-chunks");
        assertThat(tooMany.body().get("line").asInt()).isEqualTo(1001);
        assertNothingStored(id);
    }

    /** A send after the refused ones, then the end: a reader gets that result first, so nothing came before it. */
    private void assertNothingStored(String id) {
        long after = client.send(id, "after");
        client.end(id);
        List<ServerSentEvent<String>> events = client.events(id).collectList().block(StreamClient.TIMEOUT);
        assertThat(events).as("no line of a refused batch reached a reader").extracting(ServerSentEvent::event)
                .containsExactly("result", "end");
        assertThat(StreamClient.json(events.get(0).data()).get("seq").asLong()).isEqualTo(after);
    }

    private static String lines(int first, int last) {
        return IntStream.rangeClosed(first, last).mapToObj(i -> "{\"data\":\"line " + i + "\"}\n")
                .collect(Collectors.joining());
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
