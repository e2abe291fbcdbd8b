package io.streamgate.stream;

import static io.streamgate.support.StreamClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import io.streamgate.support.GatewayIT;
import io.streamgate.support.StreamClient;
import io.streamgate.support.TestThreads;
import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;

/**
 * Readers cut off over and over while their streams are being sent to, each coming back with its
 * {@code Last-Event-ID}: across 1,000 disconnects they still see every event once, in order.
 */
class ReaderChurnIT extends GatewayIT {

    private static final int STREAMS = 10;
    private static final int CHUNKS_PER_STREAM = 100;

    /** What one reader saw over all its connections, and how many times it was cut off. */
    private record Reading(List<String> events, int disconnects) {
    }

    @Test
    void shouldLoseAndRepeatNothingAcrossAThousandDisconnects() {
        List<String> ids = IntStream.range(0, STREAMS).mapToObj(n -> client.start("churn-" + n + "-" + System.nanoTime()))
                .toList();
        List<CompletableFuture<List<Long>>> senders = ids.stream().map(id -> CompletableFuture.supplyAsync(() -> {
            List<Long> seqs = new ArrayList<>();
            for (int chunk = 0; chunk < CHUNKS_PER_STREAM; chunk++) {
                seqs.add(client.send(id, "chunk " + chunk));
            }
            client.end(id);
            return seqs;
        }, TestThreads.BLOCKING)).toList();
        List<CompletableFuture<Reading>> readers = ids.stream()
                .map(id -> CompletableFuture.supplyAsync(() -> readOneEventPerConnection(id), TestThreads.BLOCKING))
                .toList();

        int disconnects = 0;
        for (int stream = 0; stream < STREAMS; stream++) {
            List<String> expected = new ArrayList<>();
            for (long seq : senders.get(stream).join()) {
                expected.add("result " + seq);
            }
            expected.add("end");
            Reading reading = readers.get(stream).join();
            assertThat(reading.events()).as("no gap, no duplicate, in order").containsExactlyElementsOf(expected);
            disconnects += reading.disconnects();
        }
        assertThat(disconnects).isGreaterThanOrEqualTo(1000);
    }

    /** Reads the stream to its end event, taking one event per connection and then hanging up. */
    private Reading readOneEventPerConnection(String id) {
        List<String> seen = new ArrayList<>();
        String lastEventId = null;
        int disconnects = 0;
        while (seen.isEmpty() || !seen.get(seen.size() - 1).equals("end")) {
            ServerSentEvent<String> event = client.events(id, lastEventId).next().block(StreamClient.TIMEOUT);
            if (event.event().equals("end")) {
                seen.add("end");
            } else {
                seen.add(event.event() + " " + json(event.data()).get("seq").longValue());
                lastEventId = event.id();
                disconnects++;
            }
        }
        return new Reading(seen, disconnects);
    }
}
