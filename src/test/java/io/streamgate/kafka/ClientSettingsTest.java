package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.streamgate.config.StreamgateProperties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** The clients' settings as Kafka's own producer and consumer check them when built (they need no broker for that). */
class ClientSettingsTest {

    @Test
    void shouldLeaveRoomForALingerPassedThrough() {
        Map<String, Object> settings = settings(Map.of(ProducerConfig.LINGER_MS_CONFIG, "5")).producer("test");

        assertThat(settings).containsEntry(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (var producer = new KafkaProducer<>(settings)) {
            assertThat(producer.metrics()).as("the producer was built").isNotEmpty();
        }
    }

    @Test
    void shouldLeaveALingerThatIsNotANumberToTheProducersOwnMessage() {
        Map<String, Object> settings = settings(Map.of(ProducerConfig.LINGER_MS_CONFIG, "soon")).producer("test");

        assertThatThrownBy(() -> new KafkaProducer<>(settings).close())
                .isInstanceOf(KafkaException.class)
                .hasMessageContaining("linger.ms");
    }

    @Test
    void shouldBuildProducersThatKeepStreamsToThePartitionCountsReadAtStartUp() {
        ClientSettings unkept = settings(Map.of());
        KafkaTopics topics = new KafkaTopics(unkept.kafka(),
                List.of(new TopicPartition("streamgate.results", 0), new TopicPartition("streamgate.results", 1)), 2);
        Map<String, Object> settings = unkept.keepingTo(topics).producer("test");

        assertThat(settings).containsEntry(ProducerConfig.PARTITIONER_CLASS_CONFIG, StartCountPartitioner.class)
                .containsEntry(StartCountPartitioner.COUNTS, Map.of("streamgate.requests", 2, "streamgate.results", 2));
        assertThat(unkept.producer("test")).doesNotContainKey(ProducerConfig.PARTITIONER_CLASS_CONFIG);
        try (var producer = new KafkaProducer<>(settings)) {
            assertThat(producer.metrics()).as("the producer was built, its partitioner with it").isNotEmpty();
        }
    }

    @Test
    void shouldFetchAtMostARecordsLargestSizeUnlessAnotherIsPassedThrough() {
        Map<String, Object> settings = settings(Map.of()).consumer("test");
        Map<String, Object> passed = settings(Map.of(), Map.of(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "1048576"))
                .consumer("test");

        assertThat(settings).containsEntry(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 8 * 1024 * 1024)
                .containsEntry(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        assertThat(passed).containsEntry(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "1048576");
        try (var consumer = new KafkaConsumer<>(settings)) {
            assertThat(consumer.metrics()).as("the consumer was built").isNotEmpty();
        }
    }

    private static ClientSettings settings(Map<String, String> producer) {
        return settings(producer, Map.of());
    }

    private static ClientSettings settings(Map<String, String> producer, Map<String, String> consumer) {
        return new ClientSettings("127.0.0.1:9", new StreamgateProperties.Kafka("", "streamgate.requests",
                "streamgate.results", "", "", 6, (short) 0, DataSize.ofMegabytes(8), Duration.ofSeconds(30), "group",
                producer, consumer));
    }
}
