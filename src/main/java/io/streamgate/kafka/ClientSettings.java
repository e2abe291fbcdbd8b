package io.streamgate.kafka;

import java.util.HashMap;
import java.util.Map;

import io.streamgate.config.StreamgateProperties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka client settings: Streamgate's durable defaults first, then whatever {@code streamgate.kafka.producer.*} and
 * {@code streamgate.kafka.consumer.*} pass through, which win. Producers built once the topics are known
 * ({@link #keepingTo}) keep every stream in the partition it had when this instance started.
 */
final class ClientSettings {

    /** How long closing a client may take: a broker that is gone must not hold the application's shutdown. */
    static final java.time.Duration CLOSE_TIMEOUT = java.time.Duration.ofSeconds(5);

    private final String bootstrapServers;
    private final StreamgateProperties.Kafka kafka;
    /** Topic to the partition count its records are hashed over; empty before the topics are known. */
    private final Map<String, Integer> partitionCounts;

    ClientSettings(String bootstrapServers, StreamgateProperties.Kafka kafka) {
        this(bootstrapServers, kafka, Map.of());
    }

    private ClientSettings(String bootstrapServers, StreamgateProperties.Kafka kafka,
                           Map<String, Integer> partitionCounts) {
        this.bootstrapServers = bootstrapServers;
        this.kafka = kafka;
        this.partitionCounts = partitionCounts;
    }

    /** These settings, with producers that hash streams over the partition counts {@code topics} read at start-up. */
    ClientSettings keepingTo(KafkaTopics topics) {
        return new ClientSettings(bootstrapServers, kafka, topics.streamPartitionCounts());
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    StreamgateProperties.Kafka kafka() {
        return kafka;
    }

    Map<String, Object> admin() {
        Map<String, Object> settings = new HashMap<>();
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(CommonClientConfigs.CLIENT_ID_CONFIG, "streamgate-admin");
        return settings;
    }

    /** Durable sends: a send is acknowledged only when every in-sync replica has it, never duplicated by retries. */
    Map<String, Object> producer(String clientId) {
        long deliveryMs = kafka.deliveryTimeout().toMillis();
        long lingerMs = lingerMs();
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryMs);
        // kafka-clients 4 refuses to start unless delivery.timeout.ms >= linger.ms + request.timeout.ms.
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, deliveryMs - lingerMs));
        // Waiting for metadata counts against the same budget, so a send to a dead cluster fails in time.
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryMs);
        settings.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (int) kafka.maxRecordSize().toBytes());
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        if (!partitionCounts.isEmpty()) {
            settings.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, StartCountPartitioner.class);
            settings.put(StartCountPartitioner.COUNTS, partitionCounts);
        }
        settings.putAll(kafka.producer());
        return settings;
    }

    /**
     * Streamgate's linger (1 ms), or the one passed through, which wins: the request timeout is derived from it, so a
     * longer linger passed through must not leave the producer refusing to start. One that is not a number is left to
     * the producer, which refuses it with its own message.
     */
    private long lingerMs() {
        String passed = kafka.producer().get(ProducerConfig.LINGER_MS_CONFIG);
        try {
            return passed == null ? 1 : Long.parseLong(passed.trim());
        } catch (NumberFormatException notANumber) {
            return 1;
        }
    }

    /**
     * Readers see committed transactions only: the processor's results are exactly-once. A position the log no longer
     * holds (retention deleted the segment being read, or the log was trimmed) reads on from the oldest record still
     * held: every reader of ours reads a log whole, and from the end it would pass over all of it unread. A fetch
     * brings at most a record's largest size over all its partitions (more, when one record is larger, as Kafka
     * always returns the first): at Kafka's 50 MB, a fetch's response and the records read from it were held together,
     * before a processor could pause the partitions its room was full for, and a processor on 384 MB of heap ran out of
     * memory in a backlog of 1 MB chunks that it worked through with 8 MB (BENCHMARKS.md section 105).
     */
    Map<String, Object> consumer(String clientId) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, (int) kafka.maxRecordSize().toBytes());
        settings.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, (int) kafka.maxRecordSize().toBytes());
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        settings.putAll(kafka.consumer());
        return settings;
    }
}
