package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.streamgate.support.StreamClient;
import io.streamgate.support.StreamgateProcess;
import io.streamgate.support.TestTopics;
import io.streamgate.support.TestThreads;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The processor is killed (SIGKILL, a separate JVM) in the middle of a stream and started again under the same
 * instance id: the reader gets every result once, in order. The gateway here runs no processor of its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.roles=gateway",
        "streamgate.kafka.requests-topic=" + ProcessorFailureIT.REQUESTS,
        "streamgate.kafka.results-topic=" + ProcessorFailureIT.RESULTS,
        "streamgate.kafka.processor-group=" + ProcessorFailureIT.GROUP,
        "streamgate.kafka.partitions=2"})
@DirtiesContext
class ProcessorFailureIT {

    static final String REQUESTS = "it.processor-failure.requests";
    static final String RESULTS = "it.processor-failure.results";
    static final String GROUP = "it-processor-failure";
    private static final int CHUNKS = 300;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    @Test
    void shouldDeliverEveryResultOnceAndInOrderAcrossAProcessorKill() {
        Map<String, String> processorSettings = new TestTopics(REQUESTS, RESULTS, GROUP, 2).processor("processor-1",
                Map.of());
        StreamClient client = new StreamClient(port);
        try (StreamgateProcess first = StreamgateProcess.start("processor", processorSettings)) {
            String id = client.start("processor-failure-" + System.nanoTime());
            AtomicInteger resultsSeen = new AtomicInteger();
            CompletableFuture<List<ServerSentEvent<String>>> events = client.events(id)
                    .doOnNext(event -> resultsSeen.incrementAndGet())
                    .collectList().toFuture();

            List<Long> acknowledged = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                for (int chunk = 0; chunk < CHUNKS; chunk++) {
                    acknowledged.add(client.send(id, "chunk " + chunk));
                }
            }, TestThreads.BLOCKING);

            await("the processor at work").atMost(StreamClient.TIMEOUT).until(() -> resultsSeen.get() >= CHUNKS / 4);
            first.kill();
            int seenAtKill = resultsSeen.get();
            assertThat(sending).as("still sending when the processor died").isNotDone();

            try (StreamgateProcess second = StreamgateProcess.start("processor", processorSettings)) {
                sending.join();
                client.end(id);
                List<String> received = events.join().stream().map(e -> e.event() + " " + e.data()).toList();

                assertThat(seenAtKill).isLessThan(CHUNKS);
                assertThat(acknowledged).hasSize(CHUNKS);
                List<String> expected = new ArrayList<>();
                for (int chunk = 0; chunk < CHUNKS; chunk++) {
                    expected.add("result {\"seq\":" + acknowledged.get(chunk) + ",\"data\":\"CHUNK " + chunk + "\"}");
                }
                expected.add("end {\"reason\":\"client\"}");
                assertThat(received).as("every result once, in order, then the end").containsExactlyElementsOf(expected);
                long written = TestKafka.readAll(RESULTS).stream().filter(r -> r.key().endsWith(id)).count();
                System.out.printf("ProcessorFailureIT: %d chunks acknowledged, %d results seen at the kill, %d results"
                        + " delivered once each; %d result records written in all (aborted ones included)%n",
                        CHUNKS, seenAtKill, received.size() - 1, written);
            }
        }
    }
}
