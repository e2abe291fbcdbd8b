package io.streamgate.kafka;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import io.streamgate.processing.engine.StreamCommand;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The lookups a gateway makes when many clients retry at once the sends an outage left uncertain ({@link
 * RetriedSends#firstCopy}): [retries] lookups at once over one partition of the tests' embedded broker holding
 * [records] chunks (what was written between the attempts and the retries): half the retries' first copies among
 * them (the attempts Kafka took after all), the other half's not (the read goes to the retry). Three storms, one after
 * the other. [at once] below [retries] makes the lookups that many at a time (1: one after the other, as a processor
 * made them one by one, in its records' order, each with a read of its own); a fourth argument {@code learn} makes
 * them as a processor does now, the first reading the stretch into its index. Then what each retry asks first, its
 * lower bound: [retries] at once, a question each against shared ({@link LowerBounds}), in turns, three times each.
 * Run by load-tests/retry-storm.sh.
 */
public final class RetryStorm {

    public static void main(String[] args) throws Exception {
        int retries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int records = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int atOnce = args.length > 2 ? Integer.parseInt(args[2]) : retries; // 1: one after the other, as a processor
        boolean learning = args.length > 3 && args[3].equals("learn"); // as a processor does since it learns a stretch
        ClientSettings settings = TestKafka.freshTopics("retry-storm");
        RecordMapping mapping = new RecordMapping(JsonMapper.builder().build(), () -> Long.MAX_VALUE);
        String topic = settings.kafka().requestsTopic();
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
            List<Long> answers = learning ? learned(lookups, partition, retries, records)
                    : Flux.range(0, retries)
                    .flatMapSequential(retry -> lookups.firstCopy(partition, retried(retry), 0, records), atOnce)
                    .collectList().block();
            double seconds = (System.nanoTime() - started) / 1e9;
            long found = answers.stream().filter(answer -> answer < records).count();
            System.out.printf("storm %d: %,d lookups, %s, over %,d records in %.2f s (%d found a copy), %d"
                    + " threads live%n", run, retries, learning ? "one read into a CopyIndex" : atOnce + " at once",
                    records, seconds, found, Thread.activeCount());
            TimeUnit.SECONDS.sleep(1);
        }
        try (Admin admin = Admin.create(settings.admin())) { // what each retry asks first: its lower bound
            long since = System.currentTimeMillis() - 60_000;
            LowerBounds shared = new LowerBounds(admin);
            for (int run = 1; run <= 6; run++) {
                boolean asEach = run % 2 == 1;
                long started = System.nanoTime();
                long bounds = Flux.range(0, retries)
                        .flatMap(retry -> asEach ? RetriedSends.lowerBound(admin, partition, since + retry)
                                : shared.of(partition, since + retry), retries)
                        .count().block();
                System.out.printf("bounds %d: %,d lower bounds at once, %s, in %.2f s%n", (run + 1) / 2, bounds,
                        asEach ? "a question each" : "shared (LowerBounds)", (System.nanoTime() - started) / 1e9);
            }
        }
        System.exit(0); // the tests' broker runs on non-daemon threads
    }

    /**
     * The answers a processor gives the retries in turn when none of their copies is in its index at first: the first
     * learns the stretch before it ({@link CopyIndex#learn}), the rest are answered from the index.
     */
    private static List<Long> learned(RetriedSends lookups, TopicPartition partition, int retries, int records) {
        CopyIndex copies = new CopyIndex();
        return Flux.range(0, retries).concatMap(retry -> {
            OptionalLong known = copies.firstCopy(0, 1, retried(retry), 0, records);
            if (known.isPresent()) {
                return Mono.just(known.getAsLong());
            }
            long until = copies.knownFrom(0, 1, records);
            return lookups.keyedChunks(partition, 0, until, CopyIndex.MAX_COPIES).map(stretch -> {
                copies.learn(0, 1, records, stretch, until);
                return copies.firstCopy(0, 1, retried(retry), 0, records).orElseThrow();
            });
        }).collectList().block();
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
