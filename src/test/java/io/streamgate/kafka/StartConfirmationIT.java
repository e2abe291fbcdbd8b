package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.streamgate.config.StreamgateProperties;
import io.streamgate.processing.engine.LogEvent;
import io.streamgate.processing.engine.ProcessingLog;
import io.streamgate.processing.engine.StartConfirmation;
import io.streamgate.processing.engine.StreamResult;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import reactor.core.Disposable;
import tools.jackson.databind.json.JsonMapper;

/**
 * A processor confirms a new stream's start outside its transactions: against the test broker, the confirmation is in
 * the results log for {@code read_committed} readers (the gateways' feeds) as soon as it is written, and one made under
 * an assignment the processor no longer holds is left out.
 */
class StartConfirmationIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void shouldWriteAConfirmationReadersSeeAtOnceAndLeaveOutOneOfAnAssignmentNoLongerHeld() {
        String prefix = "it.confirm-" + System.nanoTime();
        StreamgateProperties.Kafka kafka = new StreamgateProperties.Kafka("", prefix + ".requests", prefix + ".results",
                "", "", 1, (short) 0, DataSize.ofMegabytes(8), Duration.ofSeconds(30), prefix + "-processors", Map.of(),
                Map.of());
        ClientSettings settings = new ClientSettings(TestKafka.bootstrapServers(), kafka);
        try (Admin admin = Admin.create(settings.admin())) {
            KafkaTopics.ensure(admin, kafka);
        }
        RecordMapping mapping = new RecordMapping(JsonMapper.builder().build());

        ProcessingLog.Connection connection = new KafkaProcessingLog(settings, mapping, new PartitionOwnership(1), "")
                .connect();
        List<LogEvent> events = new CopyOnWriteArrayList<>();
        Disposable reading = connection.events().subscribe(events::add);
        try {
            await().atMost(TIMEOUT).until(() -> events.stream().anyMatch(LogEvent.Assigned.class::isInstance));
            long epoch = events.stream().filter(LogEvent.Assigned.class::isInstance).findFirst().orElseThrow().epoch();

            connection.confirmStarts(List.of(new StartConfirmation(0, epoch - 1, started("stale")))).block(TIMEOUT);
            connection.confirmStarts(List.of(new StartConfirmation(0, epoch, started("current")))).block(TIMEOUT);

            assertThat(readResults(settings, kafka.resultsTopic(), mapping))
                    .as("the results log, read_committed, with no transaction ever committed")
                    .extracting(StreamResult::kind, StreamResult::startId)
                    .containsExactly(tuple(StreamResult.Kind.STARTED, "current"));
        } finally {
            reading.dispose();
            connection.close();
        }
    }

    private static StreamResult started(String startId) {
        return new StreamResult(StreamResult.Kind.STARTED, "tenant:job-1", 0, "{\"processor\":\"uppercase\"}",
                "uppercase", null, null, startId);
    }

    /** Everything the results partition holds now, as a gateway's feed reads it. */
    private static List<StreamResult> readResults(ClientSettings settings, String topic, RecordMapping mapping) {
        Map<String, Object> config = settings.consumer("it-confirm-reader");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<StreamResult> results = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(config)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            reader.assign(List.of(partition));
            long end = reader.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (reader.position(partition) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    results.add(mapping.toResult(record));
                }
            }
        }
        return results;
    }
}
