package io.streamgate.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.streamgate.config.StreamgateProperties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.diagnostics.FailureAnalyzedException;

/**
 * Streamgate's topics, created at start-up when missing: requests and results; the processors' state log (compacted,
 * one partition per requests partition: a stream's state sits in the partition number of its commands) and their
 * dead letters. Topics that exist already are held to what Streamgate would have made ({@link TopicRequirements}).
 */
final class KafkaTopics {

    private static final Logger log = LoggerFactory.getLogger(KafkaTopics.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SERVED_CHECK_EVERY = Duration.ofMillis(50);

    private final StreamgateProperties.Kafka kafka;
    private final List<TopicPartition> resultPartitions;
    private final int requestPartitionCount;

    KafkaTopics(StreamgateProperties.Kafka kafka, List<TopicPartition> resultPartitions,
                int requestPartitionCount) {
        this.kafka = kafka;
        this.resultPartitions = resultPartitions;
        this.requestPartitionCount = requestPartitionCount;
    }

    /** Creates the missing topics and describes them. Blocks: called once, on the start-up thread. */
    static KafkaTopics ensure(Admin admin, StreamgateProperties.Kafka kafka) {
        Optional<Short> replication = kafka.replicationFactor() == 0
                ? Optional.empty() : Optional.of(kafka.replicationFactor());
        String largestRecord = Long.toString(kafka.maxRecordSize().toBytes());
        Map<String, String> configs = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, largestRecord);
        try {
            create(admin, kafka, List.of(
                    new NewTopic(kafka.requestsTopic(), Optional.of(kafka.partitions()), replication).configs(configs),
                    new NewTopic(kafka.resultsTopic(), Optional.of(kafka.partitions()), replication).configs(configs)));
            Map<String, TopicDescription> described = new LinkedHashMap<>(describeOnceServed(admin,
                    List.of(kafka.requestsTopic(), kafka.resultsTopic())));
            int requestPartitions = described.get(kafka.requestsTopic()).partitions().size();
            Map<String, String> compacted = new HashMap<>(
                    TopicRequirements.stateCompaction(kafka.maxRecordSize().toBytes()));
            compacted.putAll(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, largestRecord,
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            create(admin, kafka, List.of(
                    new NewTopic(kafka.stateTopic(), Optional.of(requestPartitions), replication).configs(compacted),
                    new NewTopic(kafka.deadLetterTopic(), Optional.of(kafka.partitions()), replication).configs(configs)));
            described.putAll(describeOnceServed(admin, List.of(kafka.stateTopic(), kafka.deadLetterTopic())));
            int stateTopicPartitions = described.get(kafka.stateTopic()).partitions().size();
            int resultPartitionCount = described.get(kafka.resultsTopic()).partitions().size();
            TopicRequirements.requireAsMany(kafka.requestsTopic(), requestPartitions, kafka.stateTopic(),
                    stateTopicPartitions);
            TopicRequirements.requireAsMany(kafka.requestsTopic(), requestPartitions, kafka.resultsTopic(),
                    resultPartitionCount);
            Map<String, Config> settings = describeConfigs(admin, kafka);
            if (!settings.isEmpty()) {
                TopicRequirements.requireSettings(kafka, settings);
                TopicRequirements.stateCompactionGap(kafka.stateTopic(), settings.get(kafka.stateTopic()))
                        .ifPresent(log::warn);
                requireReplication(admin, described, settings);
            }
            List<TopicPartition> partitions = new ArrayList<>();
            described.get(kafka.resultsTopic()).partitions()
                    .forEach(p -> partitions.add(new TopicPartition(kafka.resultsTopic(), p.partition())));
            return new KafkaTopics(kafka, partitions, requestPartitions);
        } catch (ExecutionException e) {
            throw new FailureAnalyzedException("Kafka refused to describe Streamgate's topics: " + e.getCause(),
                    "Let this client describe the topics (streamgate.kafka.*-topic).", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw unreachable(kafka, e);
        }
    }

    /**
     * Each of Streamgate's topics with its settings, as Kafka applies them (its own or the broker's), in a fixed order:
     * requests, results, state, dead letters. None when this client may not read them (ACLs without
     * DescribeConfigs): the checks are passed over with a WARN rather than stop a deployment that ran without them.
     */
    private static Map<String, Config> describeConfigs(Admin admin, StreamgateProperties.Kafka kafka)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            return settingsOf(admin, List.of(kafka.requestsTopic(), kafka.resultsTopic(), kafka.stateTopic(),
                    kafka.deadLetterTopic()), TIMEOUT);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof AuthorizationException)) {
                throw e;
            }
            log.warn("Not checking the topics' settings (record size, cleanup, replication): {}",
                    e.getCause().toString());
            return Map.of();
        }
    }

    /** {@code topics}' settings, as Kafka applies them (its own or the broker's), by topic, in the order given. */
    static Map<String, Config> settingsOf(Admin admin, List<String> topics, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<ConfigResource> resources = topics.stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
        Map<ConfigResource, Config> described = admin.describeConfigs(resources).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<String, Config> settings = new LinkedHashMap<>();
        resources.forEach(topic -> settings.put(topic.name(), described.get(topic)));
        return settings;
    }

    /**
     * Refuses topics that could take no send for want of replicas, and logs what one broker's loss would cost the
     * others ({@link TopicRequirements#durabilityGaps}).
     */
    private static void requireReplication(Admin admin, Map<String, TopicDescription> described,
                                           Map<String, Config> configs)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, Integer> replicas = new LinkedHashMap<>();
        configs.keySet().forEach(topic -> replicas.put(topic, described.get(topic).partitions().stream()
                .mapToInt(partition -> partition.replicas().size()).min().orElse(0)));
        TopicRequirements.requireReplicasForSends(replicas, configs);
        int brokers;
        try {
            brokers = admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
        } catch (ExecutionException e) {
            log.warn("Not checking what one broker's loss would cost the topics: {}", e.getCause().toString());
            return;
        }
        TopicRequirements.durabilityGaps(brokers, replicas, configs).forEach(log::warn);
    }

    /** Kafka did not answer: Streamgate cannot start without its topics. */
    private static FailureAnalyzedException unreachable(StreamgateProperties.Kafka kafka, Throwable cause) {
        String where = kafka.embedded() ? "the embedded broker" : kafka.bootstrapServers();
        String error = cause instanceof TimeoutException ? "" : ": " + cause; // our own wait's tells nothing more
        return new FailureAnalyzedException("Streamgate could not reach Kafka (" + where + ") to create and check its"
                + " topics within " + TIMEOUT.toSeconds() + " s" + error, "Check"
                + " streamgate.kafka.bootstrap-servers and that its brokers are up and reachable from this host (left"
                + " empty, Streamgate runs its own embedded broker).", cause);
    }

    private static void create(Admin admin, StreamgateProperties.Kafka kafka, List<NewTopic> topics) {
        admin.createTopics(topics).values().forEach((name, future) -> {
            try {
                future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                log.info("Created topic {}", name);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RetriableException) {
                    throw unreachable(kafka, e.getCause());
                }
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new FailureAnalyzedException("Kafka refused to create topic " + name + ": " + e.getCause(),
                            "Create it beforehand (compose.yaml's rpk commands show its settings), or let this"
                                    + " client create topics.", e.getCause());
                }
            } catch (InterruptedException | TimeoutException e) {
                throw unreachable(kafka, e);
            }
        });
    }

    /**
     * The topics' descriptions once the broker serves every partition. Right after a create it may not yet: KRaft
     * brokers apply the new metadata asynchronously, and a describe then failed with "does not host this
     * topic-partition" (seen in CI), and the first offset lookups of a gateway waited on partitions without a leader.
     * Any error Kafka calls retriable (that one included: a leader or controller not known yet) is waited out the same
     * way, up to the deadline. Start-up thread only, before the server takes requests: the wait may block.
     */
    private static Map<String, TopicDescription> describeOnceServed(Admin admin, List<String> names)
            throws ExecutionException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Throwable lastError = null;
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames()
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (described.values().stream().allMatch(KafkaTopics::everyPartitionLed)) {
                    return described;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw e;
                }
                lastError = e.getCause();
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topics " + names + " not served by the broker within " + TIMEOUT
                        + (lastError == null ? "" : "; the last error: " + lastError));
            }
            Thread.sleep(SERVED_CHECK_EVERY.toMillis());
        }
    }

    private static boolean everyPartitionLed(TopicDescription topic) {
        return topic.partitions().stream()
                .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
    }

    List<TopicPartition> resultPartitions() {
        return resultPartitions;
    }

    /** As the topic has it, which may differ from {@code streamgate.kafka.partitions} when it existed before. */
    int requestPartitionCount() {
        return requestPartitionCount;
    }

    /** The topics a stream's records are keyed to, each with the partition count read at start-up. */
    Map<String, Integer> streamPartitionCounts() {
        return Map.of(kafka.requestsTopic(), requestPartitionCount, kafka.resultsTopic(), resultPartitions.size());
    }
}
