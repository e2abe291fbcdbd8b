package io.streamgate.kafka;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.streamgate.processing.engine.StreamCommand;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/**
 * The lookups a gateway makes when many clients retry at once the sends an outage left uncertain ({@link
 * RetriedSends#firstCopy}): [retries] lookups at once over one partition of the tests' embedded broker holding
 * [records] chunks (what was written between the attempts and the retries): half the retries' first copies among
 * them (the attempts Kafka took after all), the other half's not (the read goes to the retry). Three storms, one after
 * the other. Run by load-tests/retry-storm.sh.
 */
public final class RetryStorm {

    public static void main(String[] args) throws Exception {
        int retries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int records = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        ClientSettings settings = TestKafka.freshTopics("retry-storm");
        RecordMapping mapping = new RecordMapping(JsonMapper.builder().build(), () -> Long.MAX_VALUE);
        String topic = settings.kafka().requestsTopic();
        String data = "x".repeat(100);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings.producer("retry-storm"))) {
            for (int i = 0; i < records; i++) {
                producer.send(mapping.toRecord(topic, chunk(i)));
            }
            producer.flush();
        }
        RetriedSends lookups = new RetriedSends(settings, mapping);
        TopicPartition partition = new TopicPartition(topic, 0);
        for (int run = 1; run <= 3; run++) {
            long started = System.nanoTime();
            List<Long> answers = Flux.range(0, retries)
                    .flatMap(retry -> lookups.firstCopy(partition, retried(retry), 0, records), retries)
                    .collectList().block();
            double seconds = (System.nanoTime() - started) / 1e9;
            long found = answers.stream().filter(answer -> answer < records).count();
            System.out.printf("storm %d: %,d lookups at once over %,d records in %.2f s (%d found a copy), %d threads"
                    + " live%n", run, retries, records, seconds, found, Thread.activeCount());
            TimeUnit.SECONDS.sleep(1);
        }
        System.exit(0); // the tests' broker runs on non-daemon threads
    }

    /** Even retries' attempts are among the records, odd ones' are not. */
    private static StreamCommand retried(int retry) {
        return retry % 2 == 0 ? chunk(retry * 5) : StreamCommand.chunk("tenant:stream-" + retry % 1000, "uppercase",
                "x".repeat(100), "lost-" + retry + " Om6weQ85rIfJTzhW");
    }

    private static StreamCommand chunk(int i) {
        return StreamCommand.chunk("tenant:stream-" + i % 1000, "uppercase", "x".repeat(100),
                "key-" + i + " Om6weQ85rIfJTzhW");
    }
}
