package io.streamgate.kafka;

import java.util.Map;

import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;

/**
 * Puts a record of the requests and results topics in the partition its key had when this instance started: the
 * key's hash ({@link KeyPartitioner}, as Kafka's own partitioner takes it) over the partition count {@link KafkaTopics}
 * read then, not over the topic's count now. Kafka's own partitioner follows the count as metadata refreshes, so
 * partitions added to a topic while Streamgate ran moved about half the streams to new ones, where no processor had
 * their start and no results feed read: their sends were acknowledged and their results never came, with nothing
 * logged. A record of another topic (a dead letter) goes by the topic's count now, as Kafka's partitioner puts a
 * keyed record. Public: the producer builds it by reflection.
 */
public final class StartCountPartitioner implements Partitioner {

    /** The producer setting that carries the counts: a {@code Map<String, Integer>} of topic to partition count. */
    static final String COUNTS = "streamgate.partition-counts";

    private Map<String, Integer> counts = Map.of();

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs) {
        Object given = configs.get(COUNTS);
        if (given instanceof Map<?, ?> map) {
            counts = Map.copyOf((Map<String, Integer>) map);
        }
    }

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        Integer count = counts.get(topic);
        int partitions = count != null ? count : cluster.partitionCountForTopic(topic);
        return KeyPartitioner.partitionOf(keyBytes != null ? keyBytes : new byte[0], partitions); // all are keyed
    }

    @Override
    public void close() {
    }
}
