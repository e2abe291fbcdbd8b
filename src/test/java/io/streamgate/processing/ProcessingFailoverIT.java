package io.streamgate.processing;

import static io.streamgate.support.StreamClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.streamgate.kafka.TestKafka;
import io.streamgate.support.ModelServerStub.Reply;
import io.streamgate.support.ModelServerStub;
import io.streamgate.support.StreamClient;
import io.streamgate.support.StreamgateProcess;
import io.streamgate.support.TestTopics;
import io.streamgate.support.TestThreads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Two processors (separate JVMs) share the streams' partitions; one is SIGKILLed mid-run, and the other takes its
 * partitions over from the logs. Stateful results ({@code wordcount}) and a remote service's streamed answers
 * ({@code http}, two lines per chunk) come out exactly as an uninterrupted run would give them: every result once,
 * in order, the running counts unbroken. The gateway runs in this JVM, and processes nothing itself.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.roles=gateway",
        "streamgate.kafka.requests-topic=" + ProcessingFailoverIT.REQUESTS,
        "streamgate.kafka.results-topic=" + ProcessingFailoverIT.RESULTS,
        "streamgate.kafka.processor-group=" + ProcessingFailoverIT.GROUP,
        "streamgate.kafka.partitions=4"})
@DirtiesContext
class ProcessingFailoverIT {

    static final String REQUESTS = "it.failover.requests";
    static final String RESULTS = "it.failover.results";
    static final String GROUP = "it-failover";
    private static final int STREAMS_EACH = 6;
    private static final int CHUNKS = 40;
    private static final Duration READ_ALL = Duration.ofSeconds(120);

    /** Two lines per chunk, a little apart, so that a kill can fall between them. */
    private static final ModelServerStub MODEL = new ModelServerStub(call -> Reply.slowly(Duration.ofMillis(10),
            "{\"data\":\"" + call.data() + " A\"}", "{\"data\":\"" + call.data() + " B\"}"));

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    @AfterAll
    static void stopModel() {
        MODEL.close();
    }

    @Test
    void shouldGiveEveryResultOnceAndUnbrokenCountsWhenAProcessorIsKilledMidRun() throws Exception {
        StreamClient client = new StreamClient(port);
        try (StreamgateProcess first = processor("processor-1"); StreamgateProcess second = processor("processor-2")) {
            List<String> counted = new ArrayList<>();
            List<String> answered = new ArrayList<>();
            long run = System.nanoTime();
            for (int i = 0; i < STREAMS_EACH; i++) {
                counted.add(client.start("count-" + run + "-" + i, "wordcount"));
                answered.add(client.start("answer-" + run + "-" + i, "http"));
            }
            AtomicInteger results = new AtomicInteger();
            Map<String, CompletableFuture<List<ServerSentEvent<String>>>> readers = new java.util.HashMap<>();
            for (String id : concat(counted, answered)) {
                readers.put(id, client.events(id).doOnNext(event -> results.incrementAndGet()).collectList().toFuture());
            }

            CompletableFuture<Void> sending = CompletableFuture.runAsync(
                    () -> sendChunks(client, counted, answered, 0, CHUNKS), TestThreads.BLOCKING);
            await("the processors at work").atMost(StreamClient.TIMEOUT).until(() -> results.get() >= STREAMS_EACH * 10);
            first.kill();
            int seenAtKill = results.get();
            assertThat(sending).as("still sending when the processor died").isNotDone();
            sending.get(READ_ALL.toSeconds(), TimeUnit.SECONDS);
            concat(counted, answered).forEach(client::end);

            for (String id : counted) {
                List<String> received = readers.get(id).get(READ_ALL.toSeconds(), TimeUnit.SECONDS).stream()
                        .map(event -> event.event().equals("end") ? "end"
                                : json(event.data()).get("chunks").asLong() + "/" + json(event.data()).get("words").asLong())
                        .toList();
                List<String> expected = new ArrayList<>();
                for (int chunk = 1; chunk <= CHUNKS; chunk++) {
                    expected.add(chunk + "/" + 3 * chunk);
                }
                expected.add("end");
                assertThat(received).as("%s: running counts, every chunk once, in order", id).isEqualTo(expected);
            }
            for (String id : answered) {
                List<String> received = readers.get(id).get(READ_ALL.toSeconds(), TimeUnit.SECONDS).stream()
                        .map(event -> event.event().equals("end") ? "end" : json(event.data()).get("data").asString())
                        .toList();
                List<String> expected = new ArrayList<>();
                for (int chunk = 0; chunk < CHUNKS; chunk++) {
                    expected.add("words of chunk " + chunk + " A");
                    expected.add("words of chunk " + chunk + " B");
                }
                expected.add("end");
                assertThat(received).as("%s: each line once, in order", id).isEqualTo(expected);
            }
            System.out.printf("ProcessingFailoverIT: %d streams, %d chunks each, %d results seen at the kill, each of"
                    + " %d results delivered once; the model server answered %d calls for %d chunks (repeated after"
                    + " the kill: %d)%n", 2 * STREAMS_EACH, CHUNKS, seenAtKill, STREAMS_EACH * CHUNKS * 3,
                    MODEL.calls(), STREAMS_EACH * CHUNKS, MODEL.calls() - STREAMS_EACH * CHUNKS);
            assertThat(second.log()).as("the survivor took partitions over").contains("assigned");
        }
    }

    private static void sendChunks(StreamClient client, List<String> counted, List<String> answered, int from, int to) {
        for (int chunk = from; chunk < to; chunk++) {
            for (int i = 0; i < STREAMS_EACH; i++) {
                client.send(counted.get(i), "three words each");
                client.send(answered.get(i), "words of chunk " + chunk);
            }
        }
    }

    private static StreamgateProcess processor(String instanceId) {
        return StreamgateProcess.start(instanceId, new TestTopics(REQUESTS, RESULTS, GROUP, 4).processor(instanceId,
                Map.of("streamgate.processing.http.url", MODEL.url())));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
