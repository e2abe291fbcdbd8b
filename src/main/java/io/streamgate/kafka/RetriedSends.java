package io.streamgate.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.streamgate.processing.engine.StreamCommand;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Chunks sent again under their {@code Idempotency-Key} after attempts that failed without telling whether Kafka took
 * them ({@code CommandLog#appendRetry}): Kafka's producer gave up waiting for the brokers, which may still hold the
 * chunk and commit it later.
 *
 * <p>Before writing the retry, its gateway takes a position in the stream's partition at or before any copy the
 * earlier attempts can have left ({@link #lowerBound}), and writes it in the retry's record ({@link RecordMapping}). Of
 * the copies of the key from that position up to the retry, the first counts: the gateway answers its position
 * ({@link #firstCopy}), and processors pass the later copies over ({@link CopyIndex}). Both decide on the same records:
 * once the retry is durable, every record before it in the partition is, and records do not change (retention alone
 * could take the first copy away in between).
 */
final class RetriedSends {

    /**
     * Room for the clocks: the first attempt began by its gateway's clock, and a record's timestamp is the producer's
     * (that same gateway's, taken after) or, on a topic set to LogAppendTime, its broker's.
     */
    static final Duration CLOCK_MARGIN = Duration.ofSeconds(5);
    /**
     * How long a lookup may take: it reads at most {@code IdempotencyKeys#UNCERTAIN_FOR} and the margin of one
     * partition's records (2.4 million in 3-4 s here, BENCHMARKS.md section 90).
     */
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(200);

    private final ClientSettings settings;
    private final RecordMapping mapping;
    /** Numbers the lookups' consumers: two at once under one client id would clash in JMX. */
    private final AtomicLong lookups = new AtomicLong();

    RetriedSends(ClientSettings settings, RecordMapping mapping) {
        this.settings = settings;
        this.mapping = mapping;
    }

    /**
     * A position in {@code partition} at or before any copy of an attempt begun at {@code since}: the first record
     * stamped from then on (less {@link #CLOCK_MARGIN}) among those committed, else the committed end, where a copy
     * committed only later will be.
     */
    static Mono<Long> lowerBound(Admin admin, TopicPartition partition, long since) {
        long from = Math.max(0, since - CLOCK_MARGIN.toMillis());
        return offset(admin, partition, OffsetSpec.forTimestamp(from))
                .flatMap(offset -> offset >= 0 ? Mono.just(offset) : offset(admin, partition, OffsetSpec.latest()));
    }

    private static Mono<Long> offset(Admin admin, TopicPartition partition, OffsetSpec spec) {
        return Mono.fromCompletionStage(() -> admin.listOffsets(Map.of(partition, spec)).partitionResult(partition)
                        .toCompletionStage())
                .map(ListOffsetsResult.ListOffsetsResultInfo::offset)
                .timeout(LOOKUP_TIMEOUT);
    }

    /**
     * The position of the first copy of {@code chunk} (its stream, its recorded key: the same data) in {@code
     * partition} from {@code from} up to its retry at {@code retry}: the retry's own when none came before it. Reads
     * the partition with a consumer of its own, on a worker thread; fails when it could not in {@link #LOOKUP_TIMEOUT}.
     */
    Mono<Long> firstCopy(TopicPartition partition, StreamCommand chunk, long from, long retry) {
        return Mono.fromCallable(() -> read(partition, chunk, from, retry)).subscribeOn(Schedulers.boundedElastic());
    }

    private long read(TopicPartition partition, StreamCommand chunk, long from, long retry) throws TimeoutException {
        if (from >= retry) {
            return retry;
        }
        long deadline = System.nanoTime() + LOOKUP_TIMEOUT.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                settings.consumer("streamgate-retry-lookup-" + lookups.incrementAndGet()))) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, from);
            while (consumer.position(partition, LOOKUP_TIMEOUT) < retry) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("Could not read " + partition + " from " + from + " to " + retry
                            + " in " + LOOKUP_TIMEOUT);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() < retry && chunk.streamId().equals(record.key())
                            && isCopy(mapping.toCommand(record), chunk)) {
                        return record.offset();
                    }
                }
            }
            return retry;
        }
    }

    /** Whether {@code command} is a copy of {@code chunk}: a chunk of its stream under its recorded key. */
    static boolean isCopy(StreamCommand command, StreamCommand chunk) {
        return command != null && command.kind() == StreamCommand.Kind.CHUNK
                && command.streamId().equals(chunk.streamId())
                && Objects.equals(command.idempotencyKey(), chunk.idempotencyKey());
    }
}
