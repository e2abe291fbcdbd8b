package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.streamgate.support.StreamClient;
import io.streamgate.support.StreamgateProcess;
import io.streamgate.support.TestTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A send Kafka stored though its producer gave up waiting: a follower of the requests partition frozen (SIGSTOP) holds
 * the write's acknowledgement past {@code delivery-timeout}, so the gateway answers 503 while the leader and the other
 * follower hold the chunk, and the resumed follower's catching up commits it. The client's retry under the same
 * {@code Idempotency-Key} must not make it a second chunk: it is answered the stored copy's seq, and readers get the
 * chunk's result once. No processor runs until the retry is answered, so the first copy's result cannot have taught
 * the gateway the key.
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
    private static final KafkaCluster CLUSTER = new KafkaCluster();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", CLUSTER::bootstrapServers);
    }

    @AfterAll
    static void stopCluster() {
        CLUSTER.close();
    }

    @Test
    void shouldStoreAChunkOnceWhenItsSendWasAnswered503ButKafkaHadItAndTheClientRetries() throws Exception {
        StreamClient client = new StreamClient(port);
        String id = client.exchange(client.http().post().uri("/stream/start")).body().get("stream_id").stringValue();
        int follower = followerOfRequests();

        CLUSTER.pause(follower);
        StreamClient.Answer first;
        try {
            first = client.trySend(id, "once only", "key-1");
        } finally {
            CLUSTER.resume(follower);
        }
        assertThat(first.status()).as("the first attempt, its acknowledgement held past delivery-timeout: %s",
                first.body()).isEqualTo(503);
        StreamClient.Answer retry = client.trySend(id, "once only", "key-1");
        assertThat(retry.status()).as("the retry: %s", retry.body()).isEqualTo(200);
        long seq = retry.body().get("seq").longValue();
        assertThat(chunksInRequestsLog(id)).as("what the requests log holds of the stream: the first attempt was"
                + " stored after all, and the retry beside it").hasSize(2);

        var events = client.events(id).collectList().toFuture();
        Map<String, String> settings = new TestTopics(REQUESTS, RESULTS, GROUP, 1).processor("processor-1", Map.of(
                "streamgate.kafka.bootstrap-servers", CLUSTER.bootstrapServers(),
                "streamgate.kafka.replication-factor", "3"));
        try (StreamgateProcess processor = StreamgateProcess.start("retried-send-processor", settings)) {
            client.end(id);
            List<String> received = events.get(StreamClient.TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)
                    .stream().map(event -> event.event() + " " + event.data()).toList();
            assertThat(received).as("the chunk's result once, under the seq the retry was answered (processor log: %s)",
                    processor.output()).containsExactly("result {\"seq\":" + seq + ",\"data\":\"ONCE ONLY\"}",
                    "end {\"reason\":\"client\"}");
        }
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

    /** The data of every chunk of {@code stream} in the requests log, with its offset. */
    private static List<String> chunksInRequestsLog(String stream) {
        TopicPartition requests = new TopicPartition(REQUESTS, 0);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.assign(List.of(requests));
            consumer.seekToBeginning(List.of(requests));
            long end = consumer.endOffsets(List.of(requests)).get(requests);
            List<String> chunks = new ArrayList<>();
            while (consumer.position(requests) < end) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (stream.equals(record.key()) && record.value().length > 0) {
                        chunks.add(record.offset() + " " + new String(record.value()));
                    }
                }
            }
            return chunks;
        }
    }
}
