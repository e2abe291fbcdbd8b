package io.streamgate.kafka;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import reactor.kafka.receiver.ReceiverOptions;
import reactor.kafka.receiver.internals.ConsumerFactory;

/**
 * Creates the processors' consumer so that each record says which assignment of its partition fetched it, and so that
 * commits know, consistently, which assignments are still this consumer's and in which group generation.
 *
 * <p>reactor-kafka hands records on after the poll that fetched them, sometimes after a later poll has revoked their
 * partition and assigned it again; only the consumer's own thread, inside its poll, knows the order of both. So the
 * assignments are numbered there (epochs, by the rebalance listeners) and each poll tags its records with their
 * partition's epoch and publishes a snapshot of the owned epochs with the group's metadata, taken at the same moment.
 * (Reading {@code groupMetadata()} from another thread while the consumer polls fails on kafka-clients 4.)
 *
 * <p>Each poll's records also go through the {@link DeletedRequestsCheck}, which needs the consumer and the epochs.
 */
final class EpochTagging extends ConsumerFactory {

    /** Added to fetched records in memory; never written anywhere. */
    private static final String EPOCH = "streamgate-epoch";

    /** What a commit may commit for: assignments owned after the last poll, with the group metadata of that poll. */
    record Snapshot(ConsumerGroupMetadata metadata, Map<Integer, Long> owned) {
    }

    private final Map<Integer, Long> owned = new ConcurrentHashMap<>();
    private long lastEpoch;
    private volatile Snapshot snapshot = new Snapshot(null, Map.of());
    private final DeletedRequestsCheck deletedRequests;

    EpochTagging(DeletedRequestsCheck deletedRequests) {
        this.deletedRequests = deletedRequests;
    }

    /** The partition is assigned (consumer thread, inside a poll): a new epoch. */
    long assign(int partition) {
        long epoch = ++lastEpoch;
        owned.put(partition, epoch);
        return epoch;
    }

    /** The partition is revoked (consumer thread, inside a poll): the epoch it had. */
    long revoke(int partition) {
        Long epoch = owned.remove(partition);
        return epoch == null ? lastEpoch : epoch;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    static long epochOf(ConsumerRecord<?, ?> record) {
        Header header = record.headers().lastHeader(EPOCH);
        return header == null ? -1 : ByteBuffer.wrap(header.value()).getLong();
    }

    @Override
    public <K, V> Consumer<K, V> createConsumer(ReceiverOptions<K, V> options) {
        return new KafkaConsumer<>(options.consumerProperties(), options.keyDeserializer(), options.valueDeserializer()) {
            @Override
            public ConsumerRecords<K, V> poll(Duration timeout) {
                ConsumerRecords<K, V> records = super.poll(timeout);
                for (ConsumerRecord<K, V> record : records) {
                    long epoch = owned.getOrDefault(record.partition(), -1L);
                    record.headers().add(EPOCH, ByteBuffer.allocate(Long.BYTES).putLong(epoch).array());
                }
                snapshot = new Snapshot(super.groupMetadata(), Map.copyOf(owned));
                deletedRequests.check(this, records, owned);
                return records;
            }
        };
    }
}
