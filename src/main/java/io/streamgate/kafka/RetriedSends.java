package io.streamgate.kafka;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
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
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

/**
 * Chunks sent again under their {@code Idempotency-Key} after attempts that failed without telling whether Kafka took
 * them ({@code CommandLog#appendRetry}): Kafka's producer gave up waiting for the brokers, which may still hold the
 * chunk and commit it later.
 *
 * <p>Before writing the retry, its gateway takes a position in the stream's partition at or before any copy the
 * earlier attempts can have left ({@link #lowerBound}), and writes it in the retry's record ({@link RecordMapping}). Of
 * the copies of the key from that position up to the retry, the first counts: the gateway answers its position
 * ({@link #firstCopy}), and processors pass the later copies over ({@link CopyIndex}, which learns what its processor
 * did not read through {@link #keyedChunks}). Both decide on the same records: once the retry is durable, every
 * record before it in the partition is, and records do not change (retention alone could take the first copy away in
 * between).
 */
final class RetriedSends {

    /**
     * Room for the clocks: the first attempt began by its gateway's clock, and a record's timestamp is the producer's
     * (that same gateway's, taken after) or, on a topic set to LogAppendTime, its broker's.
     */
    static final Duration CLOCK_MARGIN = Duration.ofSeconds(5);
    /**
     * How long a read of a partition may take: it reads at most {@code IdempotencyKeys#UNCERTAIN_FOR} and the margin
     * of its records (2.4 million in 3-4 s here, BENCHMARKS.md section 90). A lookup may wait for the read before its
     * own.
     */
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(200);

    private final ClientSettings settings;
    private final RecordMapping mapping;
    private final AtomicLong consumersMade = new AtomicLong();
    private final Map<TopicPartition, BatchQueue<Lookup>> reads = new ConcurrentHashMap<>();

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
     * partition} from {@code from} up to its retry at {@code retry}: the retry's own when none came before it. Read
     * on a worker thread together with the other lookups of the partition ({@link #readsOf}); fails when the read
     * could not be made in {@link #LOOKUP_TIMEOUT}.
     */
    Mono<Long> firstCopy(TopicPartition partition, StreamCommand chunk, long from, long retry) {
        if (from >= retry) {
            return Mono.just(retry);
        }
        return Mono.create(answer -> reads.computeIfAbsent(partition, this::readsOf)
                .add(new Lookup(chunk, from, retry, answer)));
    }

    /** One retry's question: where the first copy of {@code chunk} lies from {@code from} up to {@code retry}. */
    private record Lookup(StreamCommand chunk, long from, long retry, MonoSink<Long> answer) {
    }

    /**
     * The lookups of one partition, answered by one read at a time: those that come while a read runs wait for the
     * next, which reads for them all. When clients retry at once the sends an outage left uncertain, their lookups
     * cost a few reads of the partition, not one read (and one consumer) each (BENCHMARKS.md section 91).
     */
    private BatchQueue<Lookup> readsOf(TopicPartition partition) {
        return new BatchQueue<>(
                lookups -> Mono.fromRunnable(() -> read(partition, lookups)).subscribeOn(Schedulers.boundedElastic()),
                (lookups, notRead) -> lookups.forEach(lookup -> lookup.answer().error(notRead)));
    }

    /**
     * Reads {@code partition} from the lowest of the lookups' positions up to the highest of their retries with a
     * consumer of its own, answering each lookup as soon as the read reaches its first copy or its retry; those not
     * answered when the read fails are answered its failure.
     */
    private void read(TopicPartition partition, List<Lookup> lookups) {
        Map<String, List<Lookup>> byStream = new HashMap<>();
        PriorityQueue<Lookup> unanswered = new PriorityQueue<>(Comparator.comparingLong(Lookup::retry));
        for (Lookup lookup : lookups) {
            byStream.computeIfAbsent(lookup.chunk().streamId(), stream -> new ArrayList<>()).add(lookup);
            unanswered.add(lookup);
        }
        try {
            read(partition, byStream, unanswered);
        } catch (Throwable failure) { // here, not in the batch's failure: the lookups answered must not be again
            unanswered.forEach(lookup -> lookup.answer().error(failure));
        }
    }

    private void read(TopicPartition partition, Map<String, List<Lookup>> byStream, PriorityQueue<Lookup> byRetry)
            throws TimeoutException {
        long from = byRetry.stream().mapToLong(Lookup::from).min().orElseThrow();
        long deadline = System.nanoTime() + LOOKUP_TIMEOUT.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = consumerAt(partition, from)) {
            while (true) {
                long position = consumer.position(partition, LOOKUP_TIMEOUT);
                while (!byRetry.isEmpty() && byRetry.peek().retry() <= position) {
                    Lookup reached = byRetry.poll(); // no copy before its retry: the retry counts
                    byStream.get(reached.chunk().streamId()).remove(reached);
                    reached.answer().success(reached.retry());
                }
                if (byRetry.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("Could not read " + partition + " from " + from + " to "
                            + byRetry.peek().retry() + " in " + LOOKUP_TIMEOUT);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    List<Lookup> ofStream = byStream.get(record.key());
                    if (ofStream != null && !ofStream.isEmpty()) {
                        answerCopies(record.offset(), mapping.toCommand(record), ofStream, byRetry);
                    }
                }
            }
        }
    }

    /**
     * Answers the lookups of a stream that {@code command}, at {@code offset}, is the first copy for; none when it is
     * null (a record that is not a command).
     */
    private static void answerCopies(long offset, StreamCommand command, List<Lookup> ofStream,
                                     PriorityQueue<Lookup> byRetry) {
        for (Iterator<Lookup> lookups = ofStream.iterator(); lookups.hasNext(); ) {
            Lookup lookup = lookups.next();
            if (lookup.from() <= offset && offset < lookup.retry() && command != null
                    && command.isCopyOf(lookup.chunk())) {
                lookups.remove();
                byRetry.remove(lookup);
                lookup.answer().success(offset);
            }
        }
    }

    /**
     * The chunks sent under a key in {@code partition} from {@code from} up to {@code until}, the newest {@code max}
     * of them at most: what a processor learns of the log before what it has read ({@link CopyIndex#learn}). Read
     * with a consumer of its own, on a worker thread; fails when it could not be in {@link #LOOKUP_TIMEOUT}.
     */
    Mono<CopyIndex.Stretch> keyedChunks(TopicPartition partition, long from, long until, int max) {
        return Mono.fromCallable(() -> readKeyedChunks(partition, from, until, max))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private CopyIndex.Stretch readKeyedChunks(TopicPartition partition, long from, long until, int max)
            throws TimeoutException {
        ArrayDeque<CopyIndex.KeyedChunk> newest = new ArrayDeque<>();
        long knownFrom = from;
        long deadline = System.nanoTime() + LOOKUP_TIMEOUT.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = consumerAt(partition, from)) {
            while (consumer.position(partition, LOOKUP_TIMEOUT) < until) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("Could not read " + partition + " from " + from + " to " + until
                            + " in " + LOOKUP_TIMEOUT);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    StreamCommand command = record.offset() < until ? mapping.toCommand(record) : null;
                    if (CopyIndex.isKeyedChunk(command)) {
                        newest.addLast(new CopyIndex.KeyedChunk(record.offset(), command));
                        if (newest.size() > max) {
                            knownFrom = newest.removeFirst().offset() + 1;
                        }
                    }
                }
            }
        }
        return new CopyIndex.Stretch(knownFrom, List.copyOf(newest));
    }

    /** A consumer of its own, at {@code from} in {@code partition}; its client id numbered: two alike clash in JMX. */
    private KafkaConsumer<String, byte[]> consumerAt(TopicPartition partition, long from) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                settings.consumer("streamgate-retry-lookup-" + consumersMade.incrementAndGet()));
        try {
            consumer.assign(List.of(partition));
            consumer.seek(partition, from);
            return consumer;
        } catch (RuntimeException notPlaced) {
            consumer.close();
            throw notPlaced;
        }
    }
}
