package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.streamgate.support.StreamClient;
import io.streamgate.support.StreamgateProcess;
import io.streamgate.support.TestThreads;
import io.streamgate.support.TestTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A send Kafka stored though its producer gave up waiting: a follower of the requests partition frozen (SIGSTOP) holds
 * the write's acknowledgement past {@code delivery-timeout}, so the gateway answers 503 while the leader and the other
 * follower hold the chunk, and the resumed follower's catching up commits it. The client's retry under the same
 * {@code Idempotency-Key} must not make it a second chunk: it is answered the stored copy's seq, and readers get the
 * chunk's result once. Twenty streams' sends at once, as after an outage, and their retries at once. No processor runs
 * until the retries are answered, so no first copy's result can have taught the gateway its key.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.roles=gateway",
        "streamgate.kafka.requests-topic=" + RetriedSendIT.REQUESTS,
        "streamgate.kafka.results-topic=" + RetriedSendIT.RESULTS,
        "streamgate.kafka.processor-group=" + RetriedSendIT.GROUP,
        "streamgate.kafka.partitions=1",
        "streamgate.kafka.replication-factor=3",
        "streamgate.kafka.delivery-timeout=3s"})
@DirtiesContext
class RetriedSendIT {

    static final String REQUESTS = "it.retried-send.requests";
    static final String RESULTS = "it.retried-send.results";
    static final String GROUP = "it-retried-send";
    private static final int STREAMS = 20;
    @RegisterExtension
    static final KafkaCluster CLUSTER = new KafkaCluster();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", CLUSTER::bootstrapServers);
    }


    @Test
    void shouldCountEachSendOnceWhenItWasAnswered503ButKafkaHadItAndItsClientRetries() throws Exception {
        StreamClient client = new StreamClient(port);
        List<String> ids = IntStream.range(0, STREAMS).mapToObj(n -> client.exchange(client.http().post()
                .uri("/stream/start")).body().get("stream_id").stringValue()).toList();
        int follower = followerOfRequests();

        CLUSTER.pause(follower);
        List<StreamClient.Answer> firsts;
        try {
            firsts = sendAll(client, ids);
        } finally {
            CLUSTER.resume(follower);
        }
        assertThat(firsts).as("the first attempts, their acknowledgements held past delivery-timeout")
                .allSatisfy(first -> assertThat(first.status()).as("%s", first.body()).isEqualTo(503));
        List<StreamClient.Answer> retries = sendAll(client, ids);
        assertThat(retries).as("the retries")
                .allSatisfy(retry -> assertThat(retry.status()).as("%s", retry.body()).isEqualTo(200));
        Map<String, List<String>> stored = chunksInRequestsLog();
        assertThat(ids).as("what the requests log holds of the streams: of the first attempts, those the producer had"
                + " sent before it gave up were stored after all (the others never reached a broker)")
                .anySatisfy(id -> assertThat(stored.get(id)).as(id).hasSize(2));
        for (int n = 0; n < STREAMS; n++) {
            assertThat(stored.get(ids.get(n)).get(0)).as("stream %s's first copy", ids.get(n))
                    .startsWith(retries.get(n).body().get("seq") + " ");
        }

        List<CompletableFuture<List<ServerSentEvent<String>>>> events = ids.stream()
                .map(id -> client.events(id).collectList().toFuture()).toList();
        try (StreamgateProcess processor = StreamgateProcess.start("retried-send-processor", processorSettings())) {
            ids.forEach(client::end);
            for (int n = 0; n < STREAMS; n++) {
                List<String> received = events.get(n).get(StreamClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                        .stream().map(event -> event.event() + " " + event.data()).toList();
                assertThat(received).as("stream %s: its chunk's result once, under the seq its retry was answered"
                                + " (its copies %s; processor log: %s)", ids.get(n), stored.get(ids.get(n)),
                        processor.output()).containsExactly("result {\"seq\":" + retries.get(n).body().get("seq")
                        + ",\"data\":\"CHUNK OF " + n + "\"}", "end {\"reason\":\"client\"}");
            }
        }
    }

    /**
     * A processor that read the first copies before it restarted knows them no more, and reads the log back for them
     * once: the first copies' chunks yield no result (a filter drops them), so no result teaches the gateway the keys,
     * and the retries come to a processor that started past the first copies.
     */
    @Test
    void shouldPassOverRetriesWhoseFirstCopiesTheProcessorReadBeforeItRestartedReadingTheLogBackOnce()
            throws Exception {
        StreamClient client = new StreamClient(port);
        Map<String, String> settings = processorSettings();
        List<String> ids = new ArrayList<>();
        List<Long> firstCopies = new ArrayList<>();
        try (StreamgateProcess before = StreamgateProcess.start("retried-send-processor", settings)) {
            for (int n = 0; n < 2; n++) {
                String id = client.exchange(client.http().post().uri("/stream/start")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("processor", "filter", "options", Map.of("contains", "kept"))))
                        .body().get("stream_id").stringValue();
                ids.add(id);
                int follower = followerOfRequests();
                CLUSTER.pause(follower);
                StreamClient.Answer first;
                try {
                    first = client.trySend(id, "dropped", "key-1");
                } finally {
                    CLUSTER.resume(follower);
                }
                assertThat(first.status()).as("stream %d's first attempt: %s", n, first.body()).isEqualTo(503);
                long firstCopy = offsetOf(chunksInRequestsLog().get(id).get(0));
                firstCopies.add(firstCopy);
                await("the processor's group past the first copy").atMost(StreamClient.TIMEOUT)
                        .until(() -> committedRequests() > firstCopy);
            }
            before.kill();
        }
        try (StreamgateProcess after = StreamgateProcess.start("retried-send-processor", settings)) {
            for (int n = 0; n < 2; n++) {
                String id = ids.get(n);
                StreamClient.Answer retry = client.trySend(id, "dropped", "key-1");
                assertThat(retry.status()).as("stream %d's retry: %s", n, retry.body()).isEqualTo(200);
                assertThat(retry.body().get("seq").longValue()).as("stream %d's retry's seq: its first copy's", n)
                        .isEqualTo(firstCopies.get(n));
                long retried = offsetOf(chunksInRequestsLog().get(id).get(1));
                long firstCopy = firstCopies.get(n);
                await("the restarted processor passing the retry at " + retried + " over (its log: "
                        + after.output() + ")").atMost(StreamClient.TIMEOUT)
                        .until(() -> after.log().contains("Passing over the chunk at " + retried + " of " + REQUESTS
                                + "-0: a retry of the one at " + firstCopy));
            }
            assertThat(new StreamClient(after.port()).scraped("streamgate_processing_copies_passed_over_total"))
                    .as("the restarted processor's count of copies passed over").isEqualTo(2);
            assertThat(after.log().lines().filter(line -> line.contains("back from")).toList())
                    .as("the restarted processor's reads of the log back").hasSize(1);
        }
    }

    private static Map<String, String> processorSettings() {
        return new TestTopics(REQUESTS, RESULTS, GROUP, 1).processor("processor-1", Map.of(
                "streamgate.kafka.bootstrap-servers", CLUSTER.bootstrapServers(),
                "streamgate.kafka.replication-factor", "3"));
    }

    private static long offsetOf(String chunk) {
        return Long.parseLong(chunk.substring(0, chunk.indexOf(' ')));
    }

    /** The processors' group's committed position in the requests partition, -1 while none. */
    private static long committedRequests() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                CLUSTER.bootstrapServers()))) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(REQUESTS, 0));
            return committed == null ? -1 : committed.offset();
        }
    }

    /** Each stream's chunk at once, under its key, answered whatever the answer. */
    private static List<StreamClient.Answer> sendAll(StreamClient client, List<String> ids) {
        List<CompletableFuture<StreamClient.Answer>> sends = IntStream.range(0, ids.size())
                .mapToObj(n -> CompletableFuture.supplyAsync(() -> client.trySend(ids.get(n), "chunk of " + n,
                        "key-" + n), TestThreads.BLOCKING)).toList();
        return sends.stream().map(CompletableFuture::join).toList();
    }

    /** The index (0 to 2) of a node that follows the requests partition's leader. */
    private static int followerOfRequests() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                CLUSTER.bootstrapServers()))) {
            TopicPartitionInfo partition = admin.describeTopics(Set.of(REQUESTS)).allTopicNames().get()
                    .get(REQUESTS).partitions().get(0);
            Node follower = partition.replicas().stream().filter(node -> node.id() != partition.leader().id())
                    .findFirst().orElseThrow();
            return follower.id() - 1;
        }
    }

    /** Each stream's chunks in the requests log, with their offsets. */
    private static Map<String, List<String>> chunksInRequestsLog() {
        TopicPartition requests = new TopicPartition(REQUESTS, 0);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.assign(List.of(requests));
            consumer.seekToBeginning(List.of(requests));
            long end = consumer.endOffsets(List.of(requests)).get(requests);
            Map<String, List<String>> chunks = new HashMap<>();
            while (consumer.position(requests) < end) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Header kind = record.headers().lastHeader("streamgate-kind");
                    if (kind != null && new String(kind.value(), StandardCharsets.UTF_8).equals("CHUNK")) {
                        chunks.computeIfAbsent(record.key(), stream -> new ArrayList<>())
                                .add(record.offset() + " " + new String(record.value(), StandardCharsets.UTF_8));
                    }
                }
            }
            return chunks;
        }
    }
}
