package io.streamgate.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Utils;

/** The partition Kafka's producer picks for a keyed record (as kafka-clients' {@code BuiltInPartitioner} does). */
final class KeyPartitioner {

    private KeyPartitioner() {
    }

    static int partitionOf(String key, int partitionCount) {
        return partitionOf(key.getBytes(StandardCharsets.UTF_8), partitionCount);
    }

    /** {@code keyBytes}: the key as its serializer wrote it (UTF-8). */
    static int partitionOf(byte[] keyBytes, int partitionCount) {
        return Utils.toPositive(Utils.murmur2(keyBytes)) % partitionCount;
    }
}
