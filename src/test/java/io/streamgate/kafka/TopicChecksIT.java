package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.streamgate.config.StreamgateProperties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzedException;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.unit.DataSize;

/**
 * What a start refuses in topics that exist already (on the test broker), with Spring Boot's start-up failure report:
 * what is wrong, and what to do; and what it warns of.
 */
@ExtendWith(OutputCaptureExtension.class)
class TopicChecksIT {

    @Test
    void shouldRefuseTopicsWhosePartitionCountsDiffer() {
        ClientSettings settings = TestKafka.freshTopics("topic-checks-partitions");
        TestKafka.addPartitions(2, settings.kafka().resultsTopic());

        FailureAnalysis report = refusal(settings, settings.kafka());

        assertThat(report.getDescription()).as("the report's description").startsWith("Topic "
                + settings.kafka().resultsTopic() + " has 2 partitions and " + settings.kafka().requestsTopic()
                + " 1: they must have as many");
        assertThat(report.getAction()).as("the report's action")
                .startsWith("Partitions cannot be added to Streamgate's topics in place");
    }

    /** Topics made when max-record-size was 8 MB, and a start with 16 MB: Kafka would refuse what is between. */
    @Test
    void shouldRefuseTopicsThatTakeRecordsSmallerThanTheLargestStreamgateWrites() {
        ClientSettings settings = TestKafka.freshTopics("topic-checks-record-size");
        StreamgateProperties.Kafka made = settings.kafka();
        StreamgateProperties.Kafka raised = new StreamgateProperties.Kafka(made.bootstrapServers(),
                made.requestsTopic(), made.resultsTopic(), made.stateTopic(), made.deadLetterTopic(), made.partitions(),
                made.replicationFactor(), DataSize.ofMegabytes(16), made.deliveryTimeout(), made.processorGroup(),
                made.producer(), made.consumer());

        FailureAnalysis report = refusal(settings, raised);

        assertThat(report.getDescription()).as("the report's description").startsWith("Topic " + made.requestsTopic()
                + " takes records up to 8388608 bytes (max.message.bytes), less than streamgate.kafka.max-record-size,"
                + " 16777216 bytes");
        assertThat(report.getAction()).as("the report's action")
                .startsWith("Raise the topic's max.message.bytes to at least 16777216");
    }

    /** A results topic made compacted would keep each stream's last result only; a state topic made to delete. */
    @Test
    void shouldRefuseTopicsWhoseCleanupWouldLoseWhatStreamgateKeepsThere() {
        ClientSettings compactedResults = TestKafka.freshTopics("topic-checks-compacted");
        TestKafka.setConfig(compactedResults.kafka().resultsTopic(), "cleanup.policy", "compact");
        ClientSettings deletedStates = TestKafka.freshTopics("topic-checks-deleted");
        TestKafka.setConfig(deletedStates.kafka().stateTopic(), "cleanup.policy", "delete");

        assertThat(refusal(compactedResults, compactedResults.kafka()).getDescription())
                .as("the results topic's report").startsWith("Topic " + compactedResults.kafka().resultsTopic()
                        + " has cleanup.policy=compact: Kafka would keep only each stream's last result");
        FailureAnalysis states = refusal(deletedStates, deletedStates.kafka());
        assertThat(states.getDescription()).as("the state topic's report").startsWith("Topic "
                + deletedStates.kafka().stateTopic() + " has cleanup.policy=delete: Kafka would delete the state");
        assertThat(states.getAction()).as("its action").startsWith("Set the topic's cleanup.policy to compact");
    }

    /**
     * The state topic as Streamgate makes it is compacted every few minutes, so that a restore reads little more than
     * the open streams' states; one made with Kafka's defaults (here, a segment closed after 7 days) is warned of.
     */
    @Test
    void shouldMakeTheStateTopicCompactedOftenAndWarnOfOneThatIsNot(CapturedOutput output) throws Exception {
        ClientSettings made = TestKafka.freshTopics("topic-checks-compaction");
        ClientSettings loose = TestKafka.freshTopics("topic-checks-loose-compaction");
        TestKafka.setConfig(loose.kafka().stateTopic(), "segment.ms", "604800000");

        try (Admin admin = Admin.create(made.admin())) {
            KafkaTopics.ensure(admin, made.kafka());
            KafkaTopics.ensure(admin, loose.kafka());
            ConfigResource state = new ConfigResource(ConfigResource.Type.TOPIC, made.kafka().stateTopic());
            Config settings = admin.describeConfigs(List.of(state)).all().get(30, TimeUnit.SECONDS).get(state);

            assertThat(Map.of("segment.ms", settings.get("segment.ms").value(), "segment.bytes",
                    settings.get("segment.bytes").value(), "delete.retention.ms",
                    settings.get("delete.retention.ms").value())).as("the state topic's compaction")
                    .isEqualTo(TopicRequirements.stateCompaction(made.kafka().maxRecordSize().toBytes()));
        }
        assertThat(output.getAll().lines().filter(line -> line.contains("Kafka compacts it so seldom")))
                .as("the warnings of state topics compacted seldom").singleElement().asString()
                .contains("WARN").contains("Topic " + loose.kafka().stateTopic() + " has segment.ms=604800000:");
    }

    private static FailureAnalysis refusal(ClientSettings settings, StreamgateProperties.Kafka kafka) {
        try (Admin admin = Admin.create(settings.admin())) {
            return assertThatThrownBy(() -> KafkaTopics.ensure(admin, kafka))
                    .asInstanceOf(InstanceOfAssertFactories.type(FailureAnalyzedException.class))
                    .actual().analysis();
        }
    }
}
