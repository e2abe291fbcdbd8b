package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.streamgate.support.StreamClient;
import io.streamgate.support.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One broker of a three-broker cluster (replication 3, min.insync.replicas 2) is killed while streams are sent to
 * and read: every acknowledged chunk reaches its stream's reader once, in order, with no gap.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.kafka.requests-topic=it.cluster.requests",
        "streamgate.kafka.results-topic=it.cluster.results",
        "streamgate.kafka.processor-group=it-cluster-processor",
        "streamgate.kafka.partitions=3",
        "streamgate.kafka.replication-factor=3"})
@DirtiesContext
class BrokerFailureIT {

    private static final int STREAMS = 6;
    private static final int CHUNKS_PER_STREAM = 150;
    @RegisterExtension
    static final KafkaCluster CLUSTER = new KafkaCluster();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", CLUSTER::bootstrapServers);
    }


    /** One stream as its client saw it: the seqs of the sends answered 200, in order, and the refusals. */
    private record SentStream(String id, List<Long> acknowledged, List<Integer> acknowledgedChunks,
                              AtomicInteger refused, CompletableFuture<List<ServerSentEvent<String>>> events) {
    }

    @Test
    void shouldDeliverEveryAcknowledgedChunkOnceAndInOrderWhenABrokerDies() {
        StreamClient client = new StreamClient(port);
        AtomicInteger acknowledgedInAll = new AtomicInteger();
        List<SentStream> streams = IntStream.range(0, STREAMS).mapToObj(n -> {
            String id = client.start("broker-failure-" + n + "-" + System.nanoTime());
            return new SentStream(id, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(), new AtomicInteger(),
                    client.events(id).collectList().toFuture());
        }).toList();

        List<CompletableFuture<Void>> senders = streams.stream().map(stream -> CompletableFuture.runAsync(() -> {
            for (int chunk = 0; chunk < CHUNKS_PER_STREAM; chunk++) {
                StreamClient.Answer answer = client.trySend(stream.id(), "chunk " + chunk);
                if (answer.status() == 200) {
                    stream.acknowledged().add(answer.body().get("seq").longValue());
                    stream.acknowledgedChunks().add(chunk);
                    acknowledgedInAll.incrementAndGet();
                } else {
                    stream.refused().incrementAndGet();
                }
            }
        }, TestThreads.BLOCKING)).toList();

        await("sends under way").atMost(StreamClient.TIMEOUT)
                .until(() -> acknowledgedInAll.get() >= STREAMS * CHUNKS_PER_STREAM / 3);
        CLUSTER.kill(0);
        int acknowledgedAtKill = acknowledgedInAll.get();
        assertThat(acknowledgedAtKill).as("the broker died mid-run").isLessThan(STREAMS * CHUNKS_PER_STREAM);

        senders.forEach(CompletableFuture::join);
        streams.forEach(stream -> client.end(stream.id()));

        int received = 0;
        int refused = 0;
        for (SentStream stream : streams) {
            List<String> events = stream.events().join().stream().map(e -> e.event() + " " + e.data()).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < stream.acknowledged().size(); i++) {
                expected.add("result {\"seq\":" + stream.acknowledged().get(i) + ",\"data\":\"CHUNK "
                        + stream.acknowledgedChunks().get(i) + "\"}");
            }
            expected.add("end {\"reason\":\"client\"}");
            assertThat(events).as("stream %s: each acknowledged chunk once, in order, no gap", stream.id())
                    .containsExactlyElementsOf(expected);
            received += events.size() - 1;
            refused += stream.refused().get();
        }
        System.out.printf("BrokerFailureIT: %d chunks sent, %d acknowledged (%d before the kill), %d refused;"
                        + " %d results delivered; 0 gaps, 0 duplicates%n", STREAMS * CHUNKS_PER_STREAM,
                acknowledgedInAll.get(), acknowledgedAtKill, refused, received);
    }
}
