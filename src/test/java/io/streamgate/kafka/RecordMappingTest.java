package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.streamgate.processing.engine.DeadLetter;
import io.streamgate.processing.engine.StreamCommand;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Commands through their records and back, as a processor reads what a gateway wrote; dead letters as written. */
class RecordMappingTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final RecordMapping mapping = new RecordMapping(JSON, () -> Long.MAX_VALUE);

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

    @Test
    void shouldCarryWhereTheCopiesOfTheAttemptsARetryRepeatsMayBegin() {
        StreamCommand chunk = StreamCommand.chunk("t:s1", "wordcount", "héllo", "key-1");

        ConsumerRecord<String, byte[]> retry = read(mapping.toRetryRecord("requests", chunk, 1_234L));
        ConsumerRecord<String, byte[]> first = read(mapping.toRecord("requests", chunk));

        assertThat(mapping.toCommand(retry)).as("the chunk as it was").isEqualTo(chunk);
        assertThat(mapping.retryFrom(retry)).isEqualTo(1_234L);
        assertThat(mapping.retryFrom(first)).as("not a retry").isEqualTo(-1);
    }

    @Test
    void shouldCutADeadLettersCopyOfItsChunkToWhatARecordTakesAndSaySo() {
        RecordMapping mapping = new RecordMapping(JSON, () -> 4_096);
        DeadLetter fits = new DeadLetter("t:s1", 7, "chunk", "poison", "x".repeat(3_000), "failed", 3);
        DeadLetter escapedTooLarge = new DeadLetter("t:s1", 8, "chunk", "poison", "\u0001".repeat(1_000), "failed", 3);

        JsonNode whole = JSON.readTree(mapping.toRecord("dead", fits).value());
        byte[] cut = mapping.toRecord("dead", escapedTooLarge).value();

        assertThat(whole.get("data").asString()).isEqualTo(fits.data());
        assertThat(whole.has("data_cut")).as("%s", whole).isFalse();
        assertThat(cut.length).isLessThanOrEqualTo(4_096);
        JsonNode letter = JSON.readTree(cut);
        assertThat(letter.get("data_cut").asBoolean()).as("%s", letter).isTrue();
        assertThat(escapedTooLarge.data()).startsWith(letter.get("data").asString());
        assertThat(letter.get("data").asString()).hasSizeGreaterThan(500);
        assertThat(letter.get("seq").asLong()).isEqualTo(8);
    }

    private StreamCommand roundTrip(StreamCommand command) {
        return mapping.toCommand(read(mapping.toRecord("requests", command)));
    }

    /** {@code written} as a consumer reads it back. */
    private static ConsumerRecord<String, byte[]> read(ProducerRecord<String, byte[]> written) {
        ConsumerRecord<String, byte[]> read = new ConsumerRecord<>("requests", 0, 0, written.key(), written.value());
        written.headers().forEach(header -> read.headers().add(header));
        return read;
    }
}
