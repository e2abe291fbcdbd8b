package io.streamgate.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import io.streamgate.stream.CommandProcessor;
import io.streamgate.stream.StreamCommand;
import io.streamgate.stream.StreamResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.kafka.receiver.KafkaReceiver;
import reactor.kafka.receiver.ReceiverOptions;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderOptions;
import reactor.kafka.sender.SenderRecord;
import reactor.kafka.sender.TransactionManager;
import reactor.util.retry.Retry;

/**
 * The processor: a member of the processor consumer group that reads commands, transforms them with a
 * {@link CommandProcessor} and writes results, exactly once. Each poll batch is one Kafka transaction holding the
 * batch's results and its consumed offsets, so a crash anywhere replays the batch and readers (read_committed)
 * never see a result twice. Partitions keep each stream's order.
 *
 * <p>Uses {@code receiveExactlyOnce}, which hands offsets over with the consumer group metadata; the older
 * {@code sendOffsets(Map, String)} calls a method kafka-clients 4 removed and hangs.
 */
final class ProcessorLoop extends SubscriptionLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProcessorLoop.class);

    /** Transactions of a processor that died are aborted by the broker after this long, at the latest. */
    private static final int TRANSACTION_TIMEOUT_MS = 10_000;
    /**
     * reactor-kafka pauses the consumer while a batch's transaction is open and only resumes it at the next poll,
     * which nothing wakes early: each batch then waited out most of a poll timeout (100 ms by default) before the
     * next was fetched. Measured on a backlog (BENCHMARKS.md): 7.6k records/s drained with the default, 20k with 5 ms.
     */
    static final Duration POLL_TIMEOUT = Duration.ofMillis(5);
    private static final long RETRY_BACKOFF_MS = 5;

    private final ClientSettings settings;
    private final Supplier<CommandProcessor> processors;
    /**
     * Kept across restarts of the loop (and of the process, when configured): a new producer with the same
     * transactional id fences the previous one and aborts its open transaction at once. A fresh id would leave that
     * transaction open until it times out, and read_committed readers of the results could not read past it meanwhile.
     */
    private final String transactionalId;
    /** Static group membership: the same instance coming back gets its partitions at once, with no rebalance. */
    private final String groupInstanceId;

    /** Kept in step with this processor's assignment: the streams whose expiry is this instance's duty. */
    private final PartitionOwnership ownership;

    /** {@code instanceId}: stable across process restarts, or empty for a random one per process. */
    ProcessorLoop(ClientSettings settings, Supplier<CommandProcessor> processors, String instanceId,
                  PartitionOwnership ownership) {
        this.settings = settings;
        this.processors = processors;
        this.ownership = ownership;
        this.groupInstanceId = instanceId.isEmpty() ? null : instanceId;
        this.transactionalId = "streamgate-processor-" + (instanceId.isEmpty() ? UUID.randomUUID() : instanceId);
    }

    @Override
    protected Disposable subscribe() {
        return Flux.defer(this::runOnce)
                // Kafka clients are built, and may block, on the subscribing thread: never a non-blocking one, also
                // when a retry resubscribes from the backoff's timer thread.
                .subscribeOn(Schedulers.boundedElastic())
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(10))
                        .doBeforeRetry(signal -> log.warn("Processor failed; restarting it", signal.failure())))
                .subscribe();
    }


    /** One processor incarnation: its own transactional producer, consumer and per-stream state. */
    private Flux<Void> runOnce() {
        Map<String, Object> producer = settings.producer(transactionalId);
        producer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        producer.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        // A batch's offsets often reach the group coordinator before the previous commit's markers have: the broker
        // answers CONCURRENT_TRANSACTIONS (one transaction in 7 at 200 chunks/s) and the producer retries after
        // retry.backoff.ms, 100 ms by default, which was most of a result's latency. Retry at once instead; the
        // backoff still grows, up to retry.backoff.max.ms, while an error persists.
        producer.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, RETRY_BACKOFF_MS);
        KafkaSender<String, byte[]> sender = KafkaSender.create(SenderOptions.<String, byte[]>create(producer)
                .closeTimeout(ClientSettings.CLOSE_TIMEOUT));

        CommandProcessor processor = processors.get();
        Map<String, Object> consumer = settings.consumer(transactionalId);
        consumer.put(ConsumerConfig.GROUP_ID_CONFIG, settings.kafka().processorGroup());
        // A consumer that dies without leaving the group (killed, or the broker was down) holds its partitions until
        // its session times out, unless it comes back under the same instance id: 10 s instead of the default 45 s.
        consumer.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        if (groupInstanceId != null) {
            consumer.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupInstanceId);
        }
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        ReceiverOptions<String, byte[]> options = ReceiverOptions.<String, byte[]>create(consumer)
                .closeTimeout(ClientSettings.CLOSE_TIMEOUT)
                .pollTimeout(POLL_TIMEOUT)
                .subscription(List.of(settings.kafka().requestsTopic()))
                .addAssignListener(assigned -> ownership.assigned(
                        assigned.stream().map(partition -> partition.topicPartition().partition()).toList()))
                // Per-stream state of partitions that move to another processor is no longer ours to keep.
                .addRevokeListener(revoked -> {
                    ownership.revoked(revoked.stream().map(partition -> partition.topicPartition().partition()).toList());
                    processor.forgetStreams();
                });

        TransactionManager transactions = sender.transactionManager();
        long maxResultBytes = settings.kafka().maxRecordSize().toBytes() - 1024;
        return KafkaReceiver.create(PollThreadGroupMetadata.FACTORY, options)
                .receiveExactlyOnce(transactions)
                .concatMap(batch -> sender.send(batch.mapNotNull(record -> toResult(processor, record, maxResultBytes)))
                        .then(transactions.<Void>commit()))
                .onErrorResume(e -> transactions.<Void>abort()
                        .onErrorResume(abortFailure -> Mono.empty())
                        .then(Mono.error(e)))
                .doFinally(signal -> {
                    ownership.revoked(ownership.all()); // a new incarnation starts with a new assignment
                    sender.close();
                });
    }

    private SenderRecord<String, byte[], Void> toResult(CommandProcessor processor,
                                                        ConsumerRecord<String, byte[]> record, long maxResultBytes) {
        StreamCommand command = RecordMapping.toCommand(record);
        if (command == null) {
            log.warn("Skipping a record that is not a Streamgate command at {}-{}@{}",
                    record.topic(), record.partition(), record.offset());
            return null;
        }
        StreamResult result = processor.process(command, record.offset());
        byte[] json = result.json().getBytes(StandardCharsets.UTF_8);
        if (json.length > maxResultBytes) {
            // A result Kafka would refuse would fail the transaction again on every retry: send a notice instead.
            json = ("{\"seq\":" + result.seq() + ",\"data\":\"\",\"error\":\"result too large\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }
        return SenderRecord.create(RecordMapping.toRecord(settings.kafka().resultsTopic(), result, json), null);
    }
}
