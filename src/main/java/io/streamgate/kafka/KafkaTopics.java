package io.streamgate.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.streamgate.config.StreamgateProperties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The requests and results topics, created at start-up when missing. */
final class KafkaTopics {

    private static final Logger log = LoggerFactory.getLogger(KafkaTopics.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final List<TopicPartition> resultPartitions;
    private final int requestPartitionCount;

    private KafkaTopics(List<TopicPartition> resultPartitions, int requestPartitionCount) {
        this.resultPartitions = resultPartitions;
        this.requestPartitionCount = requestPartitionCount;
    }

    /** Creates the missing topics and describes them. Blocks: called once, on the start-up thread. */
    static KafkaTopics ensure(Admin admin, StreamgateProperties.Kafka kafka) {
        Optional<Short> replication = kafka.replicationFactor() == 0
                ? Optional.empty() : Optional.of(kafka.replicationFactor());
        Map<String, String> configs = Map.of("max.message.bytes", Long.toString(kafka.maxRecordSize().toBytes()));
        List<NewTopic> topics = List.of(
                new NewTopic(kafka.requestsTopic(), Optional.of(kafka.partitions()), replication).configs(configs),
                new NewTopic(kafka.resultsTopic(), Optional.of(kafka.partitions()), replication).configs(configs));
        try {
            admin.createTopics(topics).values().forEach((name, future) -> {
                try {
                    future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    log.info("Created topic {}", name);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + name + ": " + e.getCause(), e.getCause());
                    }
                } catch (InterruptedException | TimeoutException e) {
                    throw new IllegalStateException("Cannot create topic " + name + " within " + TIMEOUT, e);
                }
            });
            Map<String, TopicDescription> described = admin.describeTopics(
                            List.of(kafka.requestsTopic(), kafka.resultsTopic()))
                    .allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<TopicPartition> partitions = new ArrayList<>();
            described.get(kafka.resultsTopic()).partitions()
                    .forEach(p -> partitions.add(new TopicPartition(kafka.resultsTopic(), p.partition())));
            return new KafkaTopics(partitions, described.get(kafka.requestsTopic()).partitions().size());
        } catch (ExecutionException | InterruptedException | TimeoutException e) {
            throw new IllegalStateException("Cannot reach Kafka to check topics: " + e, e);
        }
    }

    List<TopicPartition> resultPartitions() {
        return resultPartitions;
    }

    /** As the topic has it, which may differ from {@code streamgate.kafka.partitions} when it existed before. */
    int requestPartitionCount() {
        return requestPartitionCount;
    }
}
