package io.streamgate.kafka;

import static io.streamgate.support.StreamClient.TIMEOUT;
import static io.streamgate.support.StreamClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.streamgate.support.StreamClient;
import io.streamgate.support.StreamgateProcess;
import io.streamgate.support.TestTopics;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Chunks the requests topic's retention deletes while the processors are down are lost, and Kafka's consumer would
 * go on from the oldest record left without a word: the processor that comes back says how many commands were
 * deleted before they were read, at WARN and in a counter. The processor is a separate JVM, killed for real; the
 * gateway in the test's JVM runs none.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.roles=gateway",
        "streamgate.kafka.requests-topic=" + DeletedRequestsIT.REQUESTS,
        "streamgate.kafka.results-topic=" + DeletedRequestsIT.RESULTS,
        "streamgate.kafka.processor-group=" + DeletedRequestsIT.GROUP,
        "streamgate.kafka.partitions=1"})
@DirtiesContext
class DeletedRequestsIT {

    static final String REQUESTS = "it.deleted-requests.requests";
    static final String RESULTS = "it.deleted-requests.results";
    static final String GROUP = "it-deleted-requests";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    @Test
    void shouldSayHowManyCommandsWereDeletedBeforeTheProcessorsReadThem() {
        StreamClient client = new StreamClient(port);
        String id = "retained-" + System.nanoTime();
        String firstId;
        try (StreamgateProcess first = StreamgateProcess.start("processor", processorSettings())) {
            client.start(id);
            client.send(id, "one");
            firstId = client.events(id).blockFirst(TIMEOUT).id(); // processed, and its position committed
            first.kill();
        }
        client.send(id, "two");
        client.send(id, "three");
        TestKafka.deleteRecords(REQUESTS);
        client.send(id, "four");

        try (StreamgateProcess second = StreamgateProcess.start("processor", processorSettings())) {
            String next = client.events(id, firstId).blockFirst(TIMEOUT).data();

            assertThat(json(next).get("data").stringValue()).as("the first result after ONE: %s", next)
                    .isEqualTo("FOUR");
            assertThat(second.log().lines().filter(line -> line.contains("deleted before the processors read them")))
                    .as("the returning processor's warnings of deleted commands").singleElement().asString()
                    .contains("2 commands of " + REQUESTS + "-0");
            assertThat(new StreamClient(second.port()).scraped("streamgate_processing_requests_deleted_total"))
                    .as("the returning processor's count of deleted commands").isEqualTo(2);
        }
    }

    private static Map<String, String> processorSettings() {
        return new TestTopics(REQUESTS, RESULTS, GROUP, 1).processor("returning", Map.of());
    }
}
