package io.streamgate.kafka;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import reactor.kafka.receiver.ReceiverOptions;
import reactor.kafka.receiver.internals.ConsumerFactory;

/**
 * Creates the processor's consumer so that its group metadata is read on the polling thread only.
 *
 * <p>reactor-kafka 1.3's {@code receiveExactlyOnce} reads {@link Consumer#groupMetadata()}, to commit each batch's
 * offsets in its transaction, on whichever thread asks for the next batch, while the consumer's own thread may be
 * inside {@code poll}. kafka-clients 4 refuses such concurrent use with a {@code ConcurrentModificationException}:
 * under load the processor failed, restarted and rejoined its group every few seconds. Here the metadata is taken
 * right after each poll, on the polling thread, and handed out from there: the generation the batch was fetched in.
 */
final class PollThreadGroupMetadata extends ConsumerFactory {

    static final PollThreadGroupMetadata FACTORY = new PollThreadGroupMetadata();

    private PollThreadGroupMetadata() {
    }

    @Override
    public <K, V> Consumer<K, V> createConsumer(ReceiverOptions<K, V> options) {
        return new MetadataAfterPollConsumer<>(options.consumerProperties(), options.keyDeserializer(),
                options.valueDeserializer());
    }

    private static final class MetadataAfterPollConsumer<K, V> extends KafkaConsumer<K, V> {

        private volatile ConsumerGroupMetadata afterLastPoll;

        MetadataAfterPollConsumer(Map<String, Object> properties, Deserializer<K> keys, Deserializer<V> values) {
            super(properties, keys, values);
        }

        @Override
        public ConsumerRecords<K, V> poll(Duration timeout) {
            ConsumerRecords<K, V> records = super.poll(timeout);
            afterLastPoll = super.groupMetadata();
            return records;
        }

        @Override
        public ConsumerGroupMetadata groupMetadata() {
            ConsumerGroupMetadata metadata = afterLastPoll;
            return metadata != null ? metadata : super.groupMetadata();
        }
    }
}
