package io.streamgate.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import io.streamgate.config.StreamgateProperties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.util.unit.DataSize;

/**
 * The integration tests' broker: Kafka's own KRaft server, started by the tests in this JVM on first use and
 * stopped when the JVM exits. Also reads topics back, so tests can check what did (and did not) reach Kafka
 * without importing Kafka types themselves.
 */
public final class TestKafka {

    private static EmbeddedKafkaBroker broker;

    private TestKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            Path dataDir = tempDir();
            EmbeddedKafkaBroker started = EmbeddedKafkaBroker.start(dataDir, 0, 8 * 1024 * 1024);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.close();
                deleteRecursively(dataDir);
            }, "test-kafka-shutdown"));
            broker = started;
        }
        return broker.bootstrapServers();
    }

    /**
     * Client settings for topics of their own (one partition each, under names no other test uses), created on the
     * test broker: for tests that drive the Kafka adapter's classes without the application around them.
     */
    static ClientSettings freshTopics(String name) {
        return freshTopics(name, 1);
    }

    /** As {@link #freshTopics(String)}, with {@code partitions} partitions each. */
    static ClientSettings freshTopics(String name, int partitions) {
        String prefix = "it." + name + "-" + System.nanoTime();
        StreamgateProperties.Kafka kafka = new StreamgateProperties.Kafka("", prefix + ".requests",
                prefix + ".results", "", "", partitions, (short) 0, DataSize.ofMegabytes(8), Duration.ofSeconds(30),
                prefix + "-processors", Map.of(), Map.of());
        ClientSettings settings = new ClientSettings(bootstrapServers(), kafka);
        try (Admin admin = Admin.create(settings.admin())) {
            KafkaTopics.ensure(admin, kafka);
        }
        return settings;
    }

    /** Adds partitions to {@code topics} in place, up to {@code count} each, as an operator's admin tool would. */
    static void addPartitions(int count, String... topics) {
        Map<String, NewPartitions> counts = new HashMap<>();
        for (String topic : topics) {
            counts.put(topic, NewPartitions.increaseTo(count));
        }
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createPartitions(counts).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not add partitions to " + counts.keySet(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sets one of {@code topic}'s settings, as an operator's admin tool would. */
    static void setConfig(String topic, String name, String value) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        AlterConfigOp set = new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(resource, List.of(set))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not set " + name + " of " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Deletes everything {@code topic} holds now, as its retention would: each partition's log then starts at its
     * end.
     */
    static void deleteRecords(String topic) {
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            TopicDescription described = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic);
            described.partitions().forEach(partition ->
                    ends.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest()));
            Map<TopicPartition, RecordsToDelete> before = new HashMap<>();
            admin.listOffsets(ends).all().get(30, TimeUnit.SECONDS).forEach((partition, end) ->
                    before.put(partition, RecordsToDelete.beforeOffset(end.offset())));
            admin.deleteRecords(before).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not delete the records of " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A record as the tests look at it: its key and a header-free view of its value. */
    public record StoredRecord(String key, String kind, String value) {
    }

    /** Everything {@code topic} holds now, read_uncommitted so that aborted or stray writes show up too. */
    public static List<StoredRecord> readAll(String topic) {
        Map<String, Object> settings = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<StoredRecord> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic + " to its end in 30 s");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    var kind = record.headers().lastHeader("streamgate-kind");
                    records.add(new StoredRecord(record.key(), kind == null ? null : new String(kind.value()),
                            record.value() == null ? null : new String(record.value())));
                }
            }
        }
        return records;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("streamgate-it-kafka");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // best effort: it is a temp directory
        }
    }
}
