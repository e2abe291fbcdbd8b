package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.streamgate.processing.engine.StreamCommand;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a retry finds the first copy of its chunk, against the test broker: the lower bound its gateway writes in it,
 * and the read of the partition from there that its gateway and, when their own copies do not reach back so far,
 * processors make.
 */
class RetriedSendsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final RecordMapping mapping = new RecordMapping(JsonMapper.builder().build(), () -> Long.MAX_VALUE);

    @Test
    void shouldFindTheFirstCopyOfTheRetriedChunkFromTheLowerBoundUpToTheRetry() throws Exception {
        ClientSettings settings = TestKafka.freshTopics("retried-sends");
        String topic = settings.kafka().requestsTopic();
        TopicPartition partition = new TopicPartition(topic, 0);
        RetriedSends retries = new RetriedSends(settings, mapping);
        StreamCommand chunk = StreamCommand.chunk("t:job-1", "uppercase", "once", "key-1 digest");

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings.producer("it-retried-sends"));
             Admin admin = Admin.create(settings.admin())) {
            long before = System.currentTimeMillis() - RetriedSends.CLOCK_MARGIN.toMillis() - 60_000;
            write(producer, mapping.toRecord(topic, chunk), before); // 0: a copy from before the first attempt
            long since = System.currentTimeMillis();
            assertThat(RetriedSends.lowerBound(admin, partition, since).block(TIMEOUT))
                    .as("nothing stamped since the first attempt began: the end").isEqualTo(1);

            write(producer, mapping.toRecord(topic, StreamCommand.chunk("t:job-2", "uppercase", "once",
                    "key-1 digest")), since); // 1: another stream's chunk under the same key
            write(producer, mapping.toRecord(topic, StreamCommand.chunk("t:job-1", "uppercase", "other",
                    "key-2 digest")), since); // 2: another key of the stream
            write(producer, mapping.toRecord(topic, chunk), since); // 3: the first attempt's copy
            write(producer, mapping.toRetryRecord(topic, chunk, 1), since); // 4: a retry
            write(producer, mapping.toRetryRecord(topic, chunk, 1), since); // 5: another retry

            assertThat(RetriedSends.lowerBound(admin, partition, since).block(TIMEOUT))
                    .as("the first record stamped since the first attempt began, less the margin").isEqualTo(1);
            assertThat(retries.firstCopy(partition, chunk, 1, 5).block(TIMEOUT)).as("from 1").isEqualTo(3);
            assertThat(retries.firstCopy(partition, chunk, 1, 3).block(TIMEOUT)).as("the first copy itself")
                    .isEqualTo(3);
            assertThat(retries.firstCopy(partition, chunk, 4, 5).block(TIMEOUT)).as("from past the first attempt")
                    .isEqualTo(4);
            assertThat(retries.firstCopy(partition, chunk, 1, 2).block(TIMEOUT)).as("none before the retry")
                    .isEqualTo(2);
        }
    }

    @Test
    void shouldAnswerLookupsMadeAtOnceEachItsOwnFirstCopy() throws Exception {
        ClientSettings settings = TestKafka.freshTopics("retried-sends-at-once");
        String topic = settings.kafka().requestsTopic();
        TopicPartition partition = new TopicPartition(topic, 0);
        RetriedSends retries = new RetriedSends(settings, mapping);
        int records = 250;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings.producer("it-retried-at-once"))) {
            for (int offset = 0; offset < records; offset++) {
                StreamCommand chunk = offset == 200 ? chunk(51) : chunk(offset); // 200: a second copy of 51's
                write(producer, mapping.toRecord(topic, chunk), System.currentTimeMillis());
            }
        }
        Map<String, Long> expected = new TreeMap<>();
        List<Mono<String>> lookups = new ArrayList<>();
        for (int key = 0; key < 200; key++) {
            long from = key % 2 == 0 ? 0 : key + 1; // odd keys: from past their first copy
            long answer = key % 2 == 0 ? key : key == 51 ? 200 : records;
            expected.put("key-" + key + " from " + from, answer);
            lookups.add(lookup(retries, partition, chunk(key), from, records, "key-" + key + " from " + from));
        }
        expected.put("key-150 up to 100", 100L); // its retry before its copy
        lookups.add(lookup(retries, partition, chunk(150), 0, 100, "key-150 up to 100"));
        expected.put("a key never sent", (long) records);
        lookups.add(lookup(retries, partition, StreamCommand.chunk("t:job-0", "uppercase", "lost", "lost digest"), 0,
                records, "a key never sent"));

        Map<String, Long> answers = Flux.merge(lookups).collectMap(answer -> answer.substring(0,
                answer.lastIndexOf('=')), answer -> Long.parseLong(answer.substring(answer.lastIndexOf('=') + 1)),
                TreeMap::new).block(TIMEOUT);
        Map<String, String> wrong = new TreeMap<>();
        expected.forEach((lookup, answer) -> {
            if (!answer.equals(answers.get(lookup))) {
                wrong.put(lookup, "answered " + answers.get(lookup) + ", not " + answer);
            }
        });
        assertThat(wrong).as("lookups not answered their first copy, of %d", answers.size()).isEmpty();
    }

    private static Mono<String> lookup(RetriedSends retries, TopicPartition partition, StreamCommand chunk, long from,
                                       long retry, String name) {
        return retries.firstCopy(partition, chunk, from, retry).map(answer -> name + "=" + answer);
    }

    private static StreamCommand chunk(int key) {
        return StreamCommand.chunk("t:job-" + key % 10, "uppercase", "data " + key, "key-" + key + " digest");
    }

    private static void write(KafkaProducer<String, byte[]> producer, ProducerRecord<String, byte[]> record,
                              long timestamp) throws Exception {
        producer.send(new ProducerRecord<>(record.topic(), 0, timestamp, record.key(), record.value(),
                record.headers())).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
}
