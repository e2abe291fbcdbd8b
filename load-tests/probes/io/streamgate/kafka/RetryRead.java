package io.streamgate.kafka;

import java.util.concurrent.TimeUnit;

import io.streamgate.processing.engine.StreamCommand;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import tools.jackson.databind.json.JsonMapper;

/**
 * The read a gateway makes for a retry of a send Kafka may have taken ({@link RetriedSends#firstCopy}) over a whole
 * partition of the tests' embedded broker: chunks of many streams under keys, none a copy of the retried one, so the
 * read goes to the retry. Run by load-tests/retry-read.sh.
 */
public final class RetryRead {

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int bytes = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        ClientSettings settings = TestKafka.freshTopics("retry-read");
        RecordMapping mapping = new RecordMapping(JsonMapper.builder().build(), () -> Long.MAX_VALUE);
        String topic = settings.kafka().requestsTopic();
        String data = "x".repeat(bytes);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings.producer("retry-read"))) {
            for (int i = 0; i < records; i++) {
                producer.send(mapping.toRecord(topic, StreamCommand.chunk("tenant:stream-" + i % 1000, "uppercase",
                        data, "key-" + i + " Om6weQ85rIfJTzhW")));
            }
            producer.flush();
        }
        RetriedSends retries = new RetriedSends(settings, mapping);
        StreamCommand retried = StreamCommand.chunk("tenant:stream-1", "uppercase", data, "retried Om6weQ85rIfJTzhW");
        for (int run = 1; run <= 3; run++) {
            long started = System.nanoTime();
            long first = retries.firstCopy(new TopicPartition(topic, 0), retried, 0, records).block();
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("read %d: %,d records of %d bytes' data in %.2f s, %,.0f records/s (answer %d)%n", run,
                    records, bytes, seconds, records / seconds, first);
            TimeUnit.SECONDS.sleep(1);
        }
        System.exit(0); // the tests' broker runs on non-daemon threads
    }
}
