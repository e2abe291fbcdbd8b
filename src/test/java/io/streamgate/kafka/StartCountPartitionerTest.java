package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.junit.jupiter.api.Test;

/** Where the producers put a stream's records once partitions were added to its topics: where they were before. */
class StartCountPartitionerTest {

    private static final Node BROKER = new Node(1, "127.0.0.1", 9092);

    @Test
    void shouldPutAStreamInThePartitionItHadWithTheStartCount() {
        StartCountPartitioner partitioner = configured(Map.of("requests", 6));
        Cluster grown = cluster("requests", 12);

        for (int stream = 0; stream < 1_000; stream++) {
            String key = "tenant/stream-" + stream;
            assertThat(partitioner.partition("requests", key, bytes(key), null, null, grown))
                    .as("the partition of %s", key).isEqualTo(KeyPartitioner.partitionOf(key, 6));
        }
    }

    @Test
    void shouldPutARecordOfAnotherTopicWhereKafkasPartitionerWould() {
        StartCountPartitioner partitioner = configured(Map.of("requests", 6));
        Cluster cluster = cluster("dead-letters", 12);

        for (int stream = 0; stream < 1_000; stream++) {
            String key = "tenant/stream-" + stream;
            assertThat(partitioner.partition("dead-letters", key, bytes(key), null, null, cluster))
                    .as("the partition of %s", key).isEqualTo(BuiltInPartitioner.partitionForKey(bytes(key), 12));
        }
    }

    private static StartCountPartitioner configured(Map<String, Integer> counts) {
        StartCountPartitioner partitioner = new StartCountPartitioner();
        partitioner.configure(Map.of(StartCountPartitioner.COUNTS, counts));
        return partitioner;
    }

    private static Cluster cluster(String topic, int partitions) {
        List<PartitionInfo> infos = new ArrayList<>();
        for (int partition = 0; partition < partitions; partition++) {
            infos.add(new PartitionInfo(topic, partition, BROKER, new Node[] {BROKER}, new Node[] {BROKER}));
        }
        return new Cluster("test", List.of(BROKER), infos, Set.of(), Set.of());
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
