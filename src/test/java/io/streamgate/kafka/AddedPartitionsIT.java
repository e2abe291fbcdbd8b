package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.kafka.sender.KafkaSender;
import tools.jackson.databind.JsonNode;

/**
 * An operator adds partitions to the requests and results topics while Streamgate runs (to scale processors out,
 * say). Kafka's own partitioner would move about half the streams to the new partitions once the producers' metadata
 * refreshed: their sends answered {@code 200} and their results never came. Every stream keeps its partitions here,
 * and every chunk sent after the change is processed and delivered once, in order. Metadata is refreshed every
 * {@value #METADATA_MAX_AGE_MS} ms here, so the change reaches every client within the test (Kafka's default: 5 min).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.kafka.requests-topic=" + AddedPartitionsIT.REQUESTS,
        "streamgate.kafka.results-topic=" + AddedPartitionsIT.RESULTS,
        "streamgate.kafka.processor-group=it-added-partitions",
        "streamgate.kafka.partitions=2",
        "streamgate.kafka.producer.metadata.max.age.ms=" + AddedPartitionsIT.METADATA_MAX_AGE_MS,
        "streamgate.kafka.consumer.metadata.max.age.ms=" + AddedPartitionsIT.METADATA_MAX_AGE_MS})
@DirtiesContext
class AddedPartitionsIT {

    static final String REQUESTS = "it.added-partitions.requests";
    static final String RESULTS = "it.added-partitions.results";
    static final int METADATA_MAX_AGE_MS = 300;
    private static final int STREAMS = 16;
    /** Rounds of sends after the change, one per metadata age and more: every producer has refreshed by the last. */
    private static final int ROUNDS = 8;

    @LocalServerPort
    int port;

    @Autowired
    KafkaSender<String, byte[]> commandSender;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    @Test
    void shouldKeepEveryStreamInItsPartitionsWhenPartitionsAreAdded() throws InterruptedException {
        StreamClient client = new StreamClient(port);
        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (int stream = 0; stream < STREAMS; stream++) {
            String id = client.start("added-partitions-" + stream + "-" + System.nanoTime());
            client.send(id, "before");
            expected.put(id, new ArrayList<>(List.of("BEFORE")));
        }

        TestKafka.addPartitions(4, REQUESTS, RESULTS);
        await("the gateway's producer to see the new partitions").atMost(StreamClient.TIMEOUT)
                .until(() -> commandSender.doOnProducer(producer -> producer.partitionsFor(REQUESTS).size()).block(),
                        count -> count == 4);
        for (int round = 0; round < ROUNDS; round++) {
            for (Map.Entry<String, List<String>> stream : expected.entrySet()) {
                client.send(stream.getKey(), "after " + round);
                stream.getValue().add("AFTER " + round);
            }
            Thread.sleep(METADATA_MAX_AGE_MS / 2);
        }
        expected.keySet().forEach(client::end);

        await("every stream's results and end").atMost(StreamClient.TIMEOUT).untilAsserted(() ->
                assertThat(resultsOf(client, expected.keySet())).as("each stream's results, then whether it ended")
                        .isEqualTo(ended(expected)));
    }

    /** Each stream's results as its readers get them (JSON), followed by {@code "ended"} once it has ended. */
    private static Map<String, List<String>> resultsOf(StreamClient client, Iterable<String> ids) {
        Map<String, List<String>> results = new LinkedHashMap<>();
        for (String id : ids) {
            JsonNode body = client.exchange(client.http().get().uri("/stream/{id}/results", id)
                    .accept(MediaType.APPLICATION_JSON)).body();
            List<String> data = new ArrayList<>();
            body.get("data").forEach(result -> data.add(result.get("data").stringValue()));
            if (body.get("ended").booleanValue()) {
                data.add("ended");
            }
            results.put(id, data);
        }
        return results;
    }

    private static Map<String, List<String>> ended(Map<String, List<String>> expected) {
        Map<String, List<String>> ended = new LinkedHashMap<>();
        expected.forEach((id, data) -> {
            List<String> withEnd = new ArrayList<>(data);
            withEnd.add("ended");
            ended.put(id, withEnd);
        });
        return ended;
    }
}
