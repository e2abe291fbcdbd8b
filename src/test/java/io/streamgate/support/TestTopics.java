package io.streamgate.support;

import java.util.HashMap;
import java.util.Map;

import io.streamgate.kafka.TestKafka;

/**
 * The topics, processor group and partition count a test's instances share on the tests' broker: each test names its
 * own, so that its instances meet no other test's streams. Its gateway in the test's JVM takes them from
 * {@code @SpringBootTest} properties; its processors in child JVMs from {@link #processor}.
 */
public record TestTopics(String requests, String results, String group, int partitions) {

    /**
     * A processor-only instance's settings: these topics, stable as {@code instanceId} (a restart fences its
     * predecessor and takes its partitions back at once), and {@code more} on top.
     */
    public Map<String, String> processor(String instanceId, Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "streamgate.kafka.bootstrap-servers", TestKafka.bootstrapServers(),
                "streamgate.kafka.requests-topic", requests,
                "streamgate.kafka.results-topic", results,
                "streamgate.kafka.processor-group", group,
                "streamgate.kafka.partitions", Integer.toString(partitions),
                "streamgate.processor.instance-id", instanceId,
                "streamgate.roles", "processor"));
        settings.putAll(more);
        return settings;
    }
}
