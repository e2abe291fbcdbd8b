package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.streamgate.processing.engine.StreamCommand;
import io.streamgate.support.StreamClient;
import io.streamgate.support.StreamgateProcess;
import io.streamgate.support.TestThreads;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;
import tools.jackson.databind.json.JsonMapper;

/**
 * A start under a generated id is answered once it is durable with the {@code STARTED} its gateway writes beside it,
 * not once a processor has decided it: in gateways of their own JVMs on the test broker, such a start is answered with
 * no processor running, and the other gateway serves the stream at once; a processor started later processes what
 * was sent meanwhile. A {@code STARTED} whose start never reached the log (its gateway died between the two writes)
 * leaves a stream that an end, the idle timeout's too, closes everywhere; an announced start whose {@code STARTED}
 * never did is opened for every gateway by the processor's own, which it writes in its transaction.
 */
class AnnouncedStartIT {

    private static final String REQUESTS = "it.announced.requests";
    private static final String RESULTS = "it.announced.results";
    private static final RecordMapping MAPPING = new RecordMapping(JsonMapper.builder().build(), () -> Long.MAX_VALUE);

    private static Map<String, String> settings(String roles) {
        return Map.of(
                "streamgate.kafka.bootstrap-servers", TestKafka.bootstrapServers(),
                "streamgate.kafka.requests-topic", REQUESTS,
                "streamgate.kafka.results-topic", RESULTS,
                "streamgate.kafka.processor-group", "it-announced-processor",
                "streamgate.roles", roles);
    }

    @Test
    void shouldServeAGeneratedIdsStreamFromEveryGatewayBeforeAnyProcessorRuns() throws Exception {
        CompletableFuture<StreamgateProcess> startingB = CompletableFuture.supplyAsync(
                () -> StreamgateProcess.start("announced-gateway-b", settings("gateway")), TestThreads.BLOCKING);
        try (StreamgateProcess gatewayA = StreamgateProcess.start("announced-gateway-a", settings("gateway"));
             StreamgateProcess gatewayB = startingB.join()) {
            StreamClient a = new StreamClient(gatewayA.port());
            StreamClient b = new StreamClient(gatewayB.port());

            StreamClient.Answer start = a.exchange(a.http().post().uri("/stream/start"));
            assertThat(start.status()).as("a start with no processor running: %s", start.body()).isEqualTo(201);
            String id = start.body().get("stream_id").stringValue();
            assertThat(b.status(id).get("state").stringValue()).as("the stream on the other gateway, at once")
                    .isEqualTo("open");
            long seq = b.send(id, "sent before a processor ran");
            CompletableFuture<List<ServerSentEvent<String>>> readOnA = a.events(id).collectList().toFuture();

            String orphan = "orphan-" + System.nanoTime();
            announceWithoutItsStart(orphan);
            assertThat(a.status(orphan).get("state").stringValue()).as("a STARTED alone opens a stream")
                    .isEqualTo("open");

            try (StreamgateProcess processor = StreamgateProcess.start("announced-processor", settings("processor"))) {
                b.end(id);
                List<ServerSentEvent<String>> events = readOnA.get(StreamClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertThat(events).as("stream %s read on gateway A", id)
                        .extracting(ServerSentEvent::event, ServerSentEvent::data)
                        .containsExactly(
                                tuple("result",
                                        "{\"seq\":" + seq + ",\"data\":\"SENT BEFORE A PROCESSOR RAN\"}"),
                                tuple("end", "{\"reason\":\"client\"}"));

                b.end(orphan);
                a.awaitEnded(orphan);

                String unannounced = "unannounced-" + System.nanoTime();
                startWithoutItsAnnouncement(unannounced);
                await("the processor's STARTED of " + unannounced).atMost(StreamClient.TIMEOUT).untilAsserted(() ->
                        assertThat(a.exchange(a.http().get().uri("/stream/{id}", unannounced)).status())
                                .as("gateway A on an announced start whose STARTED was lost").isEqualTo(200));
                b.end(unannounced);
                a.awaitEnded(unannounced);
            }
        }
    }

    /** What a gateway that died between its start's two writes leaves: the STARTED, and no start behind it. */
    private static void announceWithoutItsStart(String id) throws Exception {
        write(MAPPING.announcement(RESULTS, StreamCommand.start(id, "uppercase", Map.of(), "lost-start")));
    }

    /** The other way round: the announced start, and no STARTED beside it. */
    private static void startWithoutItsAnnouncement(String id) throws Exception {
        write(MAPPING.toRecord(REQUESTS, StreamCommand.start(id, "uppercase", Map.of(), "lost-announcement")
                .asAnnounced()));
    }

    private static void write(ProducerRecord<String, byte[]> record) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
            producer.send(record).get(StreamClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
