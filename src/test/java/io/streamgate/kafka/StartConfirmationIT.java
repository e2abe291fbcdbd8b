package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamgate.processing.engine.LogEvent;
import io.streamgate.processing.engine.ProcessingLog;
import io.streamgate.processing.engine.StartConfirmation;
import io.streamgate.processing.engine.StreamResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
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
    void shouldWriteAConfirmationReadersSeeAtOnceAndLeaveOutOneOfAnAssignmentNoLongerHeld() throws Exception {
        ClientSettings settings = TestKafka.freshTopics("confirm");
        RecordMapping mapping = new RecordMapping(JsonMapper.builder().build(), () -> Long.MAX_VALUE);

        ProcessingLog.Connection connection = new KafkaProcessingLog(settings, mapping,
                new PartitionOwnership(1, Clock.systemUTC()), "", new SimpleMeterRegistry(),
                () -> { })
                .connect();
        List<LogEvent> events = new CopyOnWriteArrayList<>();
        Disposable reading = connection.events().subscribe(events::add);
        try {
            // The engine confirms a start it has read: by then the poll that assigned the partition has returned, and
            // the connection knows the partition as its own.
            try (KafkaProducer<String, byte[]> gateway = new KafkaProducer<>(settings.producer("it-confirm-gateway"))) {
                gateway.send(new ProducerRecord<>(settings.kafka().requestsTopic(), "tenant:job-1", new byte[0]))
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            await().atMost(TIMEOUT).until(() -> events.stream().anyMatch(LogEvent.Received.class::isInstance));
            long epoch = events.stream().filter(LogEvent.Received.class::isInstance).findFirst().orElseThrow().epoch();

            connection.confirmStarts(List.of(new StartConfirmation(0, epoch - 1, started("stale")))).block(TIMEOUT);
            connection.confirmStarts(List.of(new StartConfirmation(0, epoch, started("current")))).block(TIMEOUT);

            assertThat(readResults(settings, settings.kafka().resultsTopic(), mapping))
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
