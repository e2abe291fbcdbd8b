package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamgate.config.StreamgateProperties;
import io.streamgate.processing.engine.ProcessingLog;
import io.streamgate.processing.engine.StoredStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * A processor taking a partition over restores its streams' states only once its predecessor's last transaction is
 * decided: restored while that transaction was open, the states it holds were missing, and when it then committed, the
 * new owner went on from its position with older states and redid commands the states said were done (MultiNodeIT
 * once saw a result twice so). Against the test broker: a predecessor's transaction holds a stream's state, open, while
 * the new owner restores.
 */
class StateRestoreIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void shouldRestoreTheStatesOfAPredecessorsTransactionOnceItIsDecided() throws Exception {
        ClientSettings settings = TestKafka.freshTopics("restore");
        StreamgateProperties.Kafka kafka = settings.kafka();
        RecordMapping mapping = new RecordMapping(JsonMapper.builder().build(), () -> Long.MAX_VALUE);
        StoredStream state = new StoredStream("start-1", "wordcount", Map.of(), Map.of("words", "7"), 3, null, 0,
                false);

        Map<String, Object> producer = settings.producer("it-restore-predecessor");
        producer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, kafka.processorGroup() + "-predecessor");
        try (KafkaProducer<String, byte[]> predecessor = new KafkaProducer<>(producer)) {
            predecessor.initTransactions();
            predecessor.beginTransaction();
            predecessor.send(mapping.toRecord(kafka.stateTopic(), 0, "tenant:job-1", state)).get(30, TimeUnit.SECONDS);

            ProcessingLog.Connection successor = new KafkaProcessingLog(settings, mapping,
                    new PartitionOwnership(1, Clock.systemUTC()), "", new SimpleMeterRegistry(),
                    () -> { })
                    .connect();
            try {
                CompletableFuture<Map<String, StoredStream>> restored = successor.restore(0).toFuture();
                Thread.sleep(1_000); // the restore, left to run while the transaction is open
                assertThat(restored).as("restored while the predecessor's transaction is open").isNotDone();

                predecessor.commitTransaction();

                assertThat(restored.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                        .as("the states restored once it committed").containsEntry("tenant:job-1", state);
            } finally {
                successor.close();
            }
        }
    }

    /** Each stream's latest state; a stream whose latest record is a tombstone has none, one written after has that. */
    @Test
    void shouldRestoreEachStreamsLatestStateAndNoneForAStreamDeletedLast() throws Exception {
        ClientSettings settings = TestKafka.freshTopics("restore-latest");
        String topic = settings.kafka().stateTopic();
        RecordMapping mapping = new RecordMapping(JsonMapper.builder().build(), () -> Long.MAX_VALUE);
        Map<String, Object> producer = settings.producer("it-restore-latest");
        producer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.kafka().processorGroup() + "-latest");
        try (KafkaProducer<String, byte[]> predecessor = new KafkaProducer<>(producer)) {
            predecessor.initTransactions();
            predecessor.beginTransaction();
            for (int words = 1; words <= 3; words++) {
                predecessor.send(mapping.toRecord(topic, 0, "updated", counted(words)));
            }
            predecessor.send(mapping.toRecord(topic, 0, "ended", counted(1)));
            predecessor.send(mapping.toRecord(topic, 0, "ended", null));
            predecessor.send(mapping.toRecord(topic, 0, "again", counted(1)));
            predecessor.send(mapping.toRecord(topic, 0, "again", null));
            predecessor.send(mapping.toRecord(topic, 0, "again", counted(9)));
            predecessor.commitTransaction();
        }

        ProcessingLog.Connection successor = new KafkaProcessingLog(settings, mapping,
                new PartitionOwnership(1, Clock.systemUTC()), "", new SimpleMeterRegistry(),
                () -> { })
                .connect();
        try {
            assertThat(successor.restore(0).block(TIMEOUT)).as("the states restored")
                    .isEqualTo(Map.of("updated", counted(3), "again", counted(9)));
        } finally {
            successor.close();
        }
    }

    private static StoredStream counted(int words) {
        return new StoredStream("start-1", "wordcount", Map.of(), Map.of("words", Integer.toString(words)), words, null,
                0, false);
    }
}
