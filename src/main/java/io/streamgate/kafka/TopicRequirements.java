package io.streamgate.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.streamgate.config.StreamgateProperties;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.boot.diagnostics.FailureAnalyzedException;

/**
 * What a start requires of Streamgate's topics when they exist already (made by hand, by another tool, or by an
 * earlier start under other settings), checked before anything is read or written. Each refusal is Spring Boot's
 * start-up failure report: what is wrong and what to do, not a trace of bean creations.
 */
final class TopicRequirements {

    /** The state topic's segments are closed, and so may be compacted, once they hold this much (or a record). */
    private static final long STATE_SEGMENT_BYTES = 64L * 1024 * 1024;
    /**
     * The state topic's compaction, as Streamgate creates it: a segment closed after 5 minutes at the most, or
     * {@link #STATE_SEGMENT_BYTES}; an ended stream's tombstone kept 5 minutes after the compaction of the state it
     * deleted.
     */
    private static final List<Setting> STATE_COMPACTION = List.of(
            new Setting(TopicConfig.SEGMENT_MS_CONFIG, Duration.ofMinutes(5).toMillis()),
            new Setting(TopicConfig.SEGMENT_BYTES_CONFIG, STATE_SEGMENT_BYTES),
            new Setting(TopicConfig.DELETE_RETENTION_MS_CONFIG, Duration.ofMinutes(5).toMillis()));

    /** A topic setting and its value. */
    private record Setting(String name, long value) {
        @Override
        public String toString() {
            return name + "=" + value;
        }
    }

    /** A state topic's setting is worth a warning past this many times Streamgate's own. */
    private static final int LOOSER = 4;

    private TopicRequirements() {
    }

    /**
     * A stream's commands, results and state sit in the partition its key hashes to over one count, so the topics
     * must have as many. A difference means partitions were added to one in place, which moves streams: refused at
     * start-up, as a running instance keeps to the count it started with ({@link StartCountPartitioner}).
     */
    static void requireAsMany(String topic, int partitions, String other, int otherPartitions) {
        if (otherPartitions != partitions) {
            throw new FailureAnalyzedException("Topic " + other + " has " + otherPartitions + " partitions and "
                    + topic + " " + partitions + ": they must have as many, since a stream's commands, results and"
                    + " state sit in the partition its key hashes to over that count. Partitions were added to one of"
                    + " them in place, which would move the streams open then away from their order, state and"
                    + " results.", "Partitions cannot be added to Streamgate's topics in place. For more partitions,"
                    + " use new topics: set streamgate.kafka.requests-topic, results-topic and state-topic to names"
                    + " not used yet, and streamgate.kafka.partitions to the count.");
        }
    }

    /** The settings each topic needs, as Streamgate creates it: room for its largest record, and its cleanup. */
    static void requireSettings(StreamgateProperties.Kafka kafka, Map<String, Config> configs) {
        configs.forEach((topic, config) -> requireRoomForRecords(topic, config, kafka.maxRecordSize().toBytes()));
        requireCleanup(kafka.requestsTopic(), configs, TopicConfig.CLEANUP_POLICY_DELETE, "Kafka would keep only each"
                + " stream's last command, and a processor behind, or restarting, would not see the chunks before it");
        requireCleanup(kafka.resultsTopic(), configs, TopicConfig.CLEANUP_POLICY_DELETE, "Kafka would keep only each"
                + " stream's last result, and a gateway that starts would not know the stream or its history");
        requireCleanup(kafka.stateTopic(), configs, TopicConfig.CLEANUP_POLICY_COMPACT, "Kafka would delete the state"
                + " of a stream that stays open without a chunk for the topic's retention, and a processor that"
                + " restores it would go on as if the stream had none");
    }

    /**
     * How Streamgate creates the state topic, besides its cleanup and record size: so that compaction keeps it near the
     * open streams' latest states. A processor restores a partition by reading it whole, and Kafka compacts only
     * segments that are no longer written to: with its defaults (a new segment after 1 GiB or 7 days) a busy partition
     * held every state written for hours, past what a restore can read in the minute it is given (BENCHMARKS.md
     * section 86). A stream's ended state, a tombstone, is kept for {@code delete.retention.ms} after
     * compaction: far longer than a restore may read (a minute), which must see it.
     */
    static Map<String, String> stateCompaction(long largestRecord) {
        Map<String, String> settings = new LinkedHashMap<>();
        STATE_COMPACTION.forEach(setting -> settings.put(setting.name(), Long.toString(setting.value())));
        // Kafka refuses a record larger than a segment
        settings.put(TopicConfig.SEGMENT_BYTES_CONFIG, Long.toString(Math.max(STATE_SEGMENT_BYTES, largestRecord)));
        return settings;
    }

    /**
     * A state topic whose settings let it hold far more than {@link #stateCompaction} would (made by hand, or by a
     * version of Streamgate before it): warned of, not refused, since the deployment works until its partitions grow.
     */
    static Optional<String> stateCompactionGap(String topic, Config config) {
        List<String> loose = new ArrayList<>();
        for (Setting wanted : STATE_COMPACTION) {
            ConfigEntry entry = config.get(wanted.name());
            if (entry != null && entry.value() != null && Long.parseLong(entry.value()) > LOOSER * wanted.value()) {
                loose.add(entry.name() + "=" + entry.value());
            }
        }
        if (loose.isEmpty()) {
            return Optional.empty();
        }
        List<String> wanted = STATE_COMPACTION.stream().map(Setting::toString).toList();
        return Optional.of("Topic " + topic + " has " + String.join(", ", loose) + ": Kafka compacts it so seldom that"
                + " a busy partition holds hours of state writes, which a processor's restore reads whole, and gives up"
                + " on after a minute. Set " + String.join(", ", wanted.subList(0, wanted.size() - 1)) + " and "
                + wanted.get(wanted.size() - 1) + ", as Streamgate creates it (kafka-configs --alter --add-config, or"
                + " rpk topic alter-config --set).");
    }

    /**
     * A topic that takes less than {@code max-record-size} (made by hand: Kafka's brokers and Redpanda take 1 MiB
     * unless told otherwise; or made before max-record-size was raised) refused what was larger: a send of such a
     * chunk answered {@code 503}, retry later, every time, and a processor whose result or state was that large failed
     * its transaction over and over.
     */
    private static void requireRoomForRecords(String topic, Config config, long needed) {
        ConfigEntry largest = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        if (largest != null && largest.value() != null && Long.parseLong(largest.value()) < needed) {
            throw new FailureAnalyzedException("Topic " + topic + " takes records up to " + largest.value()
                    + " bytes (max.message.bytes), less than streamgate.kafka.max-record-size, " + needed + " bytes:"
                    + " Kafka would refuse the chunks, results and states between, a send with a 503 every time it is"
                    + " retried, a processor's transaction over and over.", "Raise the topic's max.message.bytes to"
                    + " at least " + needed + " (kafka-configs --alter --add-config, or rpk topic alter-config --set),"
                    + " or lower streamgate.kafka.max-record-size, and streamgate.stream.max-chunk-size with it.");
        }
    }

    /**
     * A topic with fewer replicas than {@code min.insync.replicas} takes no send at all ({@code acks=all} needs that
     * many in sync): every send would answer {@code 503}, retry later, for ever.
     *
     * @param replicas each topic's replication (its partitions' fewest replicas)
     */
    static void requireReplicasForSends(Map<String, Integer> replicas, Map<String, Config> configs) {
        replicas.forEach((topic, replication) -> {
            int inSync = minInSync(configs.get(topic));
            if (replication < inSync) {
                throw new FailureAnalyzedException("Topic " + topic + " has " + replication + " replicas and"
                        + " min.insync.replicas=" + inSync + ": Kafka would take no send to it (every one is written"
                        + " to that many replicas first).", "Give the topic at least " + inSync + " replicas (set"
                        + " streamgate.kafka.replication-factor before Streamgate creates it), or lower its"
                        + " min.insync.replicas.");
            }
        });
    }

    /**
     * What a cluster of three brokers or more could survive and these topics do not: one broker's loss. Warned of, not
     * refused (a test cluster may want it so); with one or two brokers there is nothing to warn of. A send is
     * acknowledged once every in-sync replica has it ({@code acks=all}), which is one broker when the topic lets its
     * in-sync replicas shrink to one ({@code min.insync.replicas=1}, Kafka's default), and a topic with just that
     * minimum of replicas stops taking sends while one of them is down. On any number of brokers, a replicated topic
     * that lets a replica out of sync become leader ({@code unclean.leader.election.enable=true}) may drop sends it
     * acknowledged.
     *
     * @param replicas each topic's replication (its partitions' fewest replicas)
     */
    static List<String> durabilityGaps(int brokers, Map<String, Integer> replicas, Map<String, Config> configs) {
        List<String> gaps = new ArrayList<>();
        replicas.forEach((topic, replication) -> {
            ConfigEntry unclean = configs.get(topic).get(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG);
            if (replication > 1 && unclean != null && "true".equals(unclean.value())) {
                gaps.add("Topic " + topic + " has unclean.leader.election.enable=true: a replica out of sync may"
                        + " become its leader and drop sends already acknowledged. Set it to false, Kafka's default.");
            }
        });
        if (brokers < 3) {
            return gaps;
        }
        replicas.forEach((topic, replication) -> {
            int inSync = minInSync(configs.get(topic));
            if (inSync < 2) {
                gaps.add("Topic " + topic + " has min.insync.replicas=" + inSync + " on a cluster of " + brokers
                        + " brokers: a send may be acknowledged by one broker only, and lost with it. Give it"
                        + " replication 3 and min.insync.replicas=2.");
            } else if (replication == inSync) {
                gaps.add("Topic " + topic + " has " + replication + " replicas and min.insync.replicas=" + inSync
                        + " on a cluster of " + brokers + " brokers: it takes no send while one of its brokers is"
                        + " down. Give it replication 3 and min.insync.replicas=2.");
            }
        });
        return gaps;
    }

    private static int minInSync(Config config) {
        ConfigEntry minimum = config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        return minimum == null || minimum.value() == null ? 1 : Integer.parseInt(minimum.value());
    }

    private static void requireCleanup(String topic, Map<String, Config> configs, String needed, String otherwise) {
        ConfigEntry policy = configs.get(topic).get(TopicConfig.CLEANUP_POLICY_CONFIG);
        if (policy != null && policy.value() != null && !policy.value().replace(" ", "").equals(needed)) {
            throw new FailureAnalyzedException("Topic " + topic + " has cleanup.policy=" + policy.value() + ": "
                    + otherwise + ".", "Set the topic's cleanup.policy to " + needed + " (kafka-configs --alter"
                    + " --add-config, or rpk topic alter-config --set), or use new topics that Streamgate creates.");
        }
    }
}
