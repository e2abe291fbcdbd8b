package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.streamgate.processing.engine.StreamCommand;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Commands through their records and back, as a processor reads what a gateway wrote. */
class RecordMappingTest {

    private final RecordMapping mapping = new RecordMapping(JsonMapper.builder().build());

    @Test
    void shouldCarryAStartsOptionsAndWhetherItsGatewayAnnouncedIt() {
        StreamCommand start = StreamCommand.start("t:s1", "wordcount", Map.of("lang", "en"), "a");

        assertThat(roundTrip(start.asAnnounced())).as("an announced start").isEqualTo(start.asAnnounced());
        assertThat(roundTrip(start)).as("a start under a chosen id").isEqualTo(start);
    }

    @Test
    void shouldCarryAChunkAndAnEndAsTheyWere() {
        StreamCommand chunk = StreamCommand.chunk("t:s1", "wordcount", "héllo", "key-1");
        StreamCommand end = StreamCommand.end("t:s1", "client");

        assertThat(roundTrip(chunk)).isEqualTo(chunk);
        assertThat(roundTrip(end)).isEqualTo(end);
    }

    private StreamCommand roundTrip(StreamCommand command) {
        ProducerRecord<String, byte[]> written = mapping.toRecord("requests", command);
        ConsumerRecord<String, byte[]> read = new ConsumerRecord<>("requests", 0, 0, written.key(), written.value());
        written.headers().forEach(header -> read.headers().add(header));
        return mapping.toCommand(read);
    }
}
