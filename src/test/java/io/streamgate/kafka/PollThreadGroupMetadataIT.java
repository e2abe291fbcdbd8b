package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.streamgate.support.TestThreads;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import reactor.kafka.receiver.ReceiverOptions;

/**
 * The processor's consumer answers {@code groupMetadata()} from any thread while its own thread is inside
 * {@code poll}, as reactor-kafka's {@code receiveExactlyOnce} needs; a plain {@code KafkaConsumer} throws
 * {@code ConcurrentModificationException} there, which failed the processor over and over under load.
 */
class PollThreadGroupMetadataIT {

    private static final String TOPIC = "it.group-metadata";

    @Test
    void shouldAnswerGroupMetadataFromAnotherThreadWhilePolling() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        ReceiverOptions<String, String> options = ReceiverOptions.<String, String>create(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, "it-group-metadata"))
                .withKeyDeserializer(new StringDeserializer())
                .withValueDeserializer(new StringDeserializer());

        try (Consumer<String, String> consumer = PollThreadGroupMetadata.FACTORY.createConsumer(options)) {
            consumer.subscribe(List.of(TOPIC));
            while (consumer.assignment().isEmpty()) { // joins the group: a generation to read
                consumer.poll(Duration.ofMillis(100));
            }
            // The topic is empty: this poll holds the consumer for its whole timeout.
            CompletableFuture<Void> polling = CompletableFuture.runAsync(() -> consumer.poll(Duration.ofSeconds(2)),
                    TestThreads.BLOCKING);
            AtomicInteger reads = new AtomicInteger();
            while (!polling.isDone()) {
                assertThat(consumer.groupMetadata().generationId()).as("the generation of the last poll").isPositive();
                reads.incrementAndGet();
            }
            polling.get();
            assertThat(reads).as("read while the other thread polled").hasPositiveValue();
        }
    }
}
