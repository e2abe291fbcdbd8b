package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalyzedException;

/**
 * What a start refuses or warns of in topics: for want of replicas (sends never taken, or lost with one broker), and a
 * state topic compacted too seldom for a restore to read it.
 */
class TopicRequirementsTest {

    @Test
    void shouldWarnOfTopicsWhoseAcknowledgedSendsOneBrokerMayHoldAlone() {
        List<String> gaps = TopicRequirements.durabilityGaps(3,
                Map.of("requests", 3, "results", 3), Map.of("requests", minInSync("1"), "results", minInSync("2")));

        assertThat(gaps).as("the warnings").containsExactly("Topic requests has min.insync.replicas=1 on a cluster of"
                + " 3 brokers: a send may be acknowledged by one broker only, and lost with it. Give it replication 3"
                + " and min.insync.replicas=2.");
    }

    @Test
    void shouldWarnOfTopicsThatTakeNoSendWhileOneOfTheirBrokersIsDown() {
        List<String> gaps = TopicRequirements.durabilityGaps(5, Map.of("state", 2), Map.of("state", minInSync("2")));

        assertThat(gaps).as("the warnings").singleElement().asString()
                .startsWith("Topic state has 2 replicas and min.insync.replicas=2 on a cluster of 5 brokers");
    }

    @Test
    void shouldRefuseTopicsWithFewerReplicasThanASendIsWrittenTo() {
        assertThatThrownBy(() -> TopicRequirements.requireReplicasForSends(Map.of("requests", 1),
                Map.of("requests", minInSync("2"))))
                .isInstanceOf(FailureAnalyzedException.class)
                .hasMessage("Topic requests has 1 replicas and min.insync.replicas=2: Kafka would take no send to it"
                        + " (every one is written to that many replicas first).");
        TopicRequirements.requireReplicasForSends(Map.of("requests", 2), Map.of("requests", minInSync("2")));
    }

    @Test
    void shouldWarnOfAReplicatedTopicThatMayElectAReplicaOutOfSync() {
        Config unclean = new Config(List.of(new ConfigEntry("min.insync.replicas", "2"),
                new ConfigEntry("unclean.leader.election.enable", "true")));

        assertThat(TopicRequirements.durabilityGaps(2, Map.of("requests", 2, "results", 1),
                Map.of("requests", unclean, "results", unclean)))
                .as("the warnings: the unreplicated topic has no other replica to elect").containsExactly(
                        "Topic requests has unclean.leader.election.enable=true: a replica out of sync may become its"
                                + " leader and drop sends already acknowledged. Set it to false, Kafka's default.");
        assertThat(TopicRequirements.durabilityGaps(3, Map.of("requests", 3), Map.of("requests", minInSync("2"))))
                .as("the warnings with Kafka's default").isEmpty();
    }

    @Test
    void shouldWarnOfNothingOnOneOrTwoBrokers() {
        assertThat(TopicRequirements.durabilityGaps(1, Map.of("requests", 1), Map.of("requests", minInSync("1"))))
                .as("the warnings on the embedded broker").isEmpty();
        assertThat(TopicRequirements.durabilityGaps(2, Map.of("requests", 2), Map.of("requests", minInSync("1"))))
                .as("the warnings on two brokers").isEmpty();
    }

    @Test
    void shouldMakeTheStateTopicsSegmentsHoldTheLargestRecord() {
        assertThat(TopicRequirements.stateCompaction(8L << 20)).as("with 8 MiB records")
                .containsExactlyInAnyOrderEntriesOf(Map.of("segment.ms", "300000", "segment.bytes", "67108864",
                        "delete.retention.ms", "300000"));
        assertThat(TopicRequirements.stateCompaction(100L << 20)).as("with 100 MiB records")
                .containsEntry("segment.bytes", Long.toString(100L << 20));
    }

    /** Kafka's defaults: a segment is closed after 1 GiB or 7 days, a tombstone kept a day after compaction. */
    @Test
    void shouldWarnOfAStateTopicCompactedAsKafkaDoesByDefault() {
        Config kafkaDefaults = new Config(List.of(new ConfigEntry("segment.ms", "604800000"),
                new ConfigEntry("segment.bytes", "1073741824"), new ConfigEntry("delete.retention.ms", "86400000")));

        assertThat(TopicRequirements.stateCompactionGap("state", kafkaDefaults)).as("the warning").hasValueSatisfying(
                warning -> assertThat(warning).startsWith("Topic state has segment.ms=604800000,"
                        + " segment.bytes=1073741824, delete.retention.ms=86400000: Kafka compacts it so seldom")
                        .endsWith("Set segment.ms=300000, segment.bytes=67108864 and delete.retention.ms=300000,"
                                + " as Streamgate creates it (kafka-configs --alter --add-config, or rpk topic"
                                + " alter-config --set)."));
    }

    @Test
    void shouldWarnOfNothingInAStateTopicCompactedAboutAsStreamgateMakesIt() {
        Config streamgates = new Config(TopicRequirements.stateCompaction(8L << 20).entrySet().stream()
                .map(setting -> new ConfigEntry(setting.getKey(), setting.getValue())).toList());
        Config tenMinutes = new Config(List.of(new ConfigEntry("segment.ms", "600000"),
                new ConfigEntry("segment.bytes", "134217728"), new ConfigEntry("delete.retention.ms", "600000")));

        assertThat(TopicRequirements.stateCompactionGap("state", streamgates)).as("as Streamgate makes it").isEmpty();
        assertThat(TopicRequirements.stateCompactionGap("state", tenMinutes)).as("twice as loose").isEmpty();
    }

    private static Config minInSync(String value) {
        return new Config(List.of(new ConfigEntry("min.insync.replicas", value)));
    }
}
