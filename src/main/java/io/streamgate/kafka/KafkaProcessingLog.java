package io.streamgate.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamgate.processing.engine.LogEvent;
import io.streamgate.processing.engine.ProcessingLog;
import io.streamgate.processing.engine.StartConfirmation;
import io.streamgate.processing.engine.StoredStream;
import io.streamgate.processing.engine.StreamCommand;
import io.streamgate.processing.engine.Transaction;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.kafka.receiver.KafkaReceiver;
import reactor.kafka.receiver.ReceiverOptions;
import reactor.kafka.receiver.ReceiverPartition;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderOptions;
import reactor.kafka.sender.SenderRecord;
import reactor.kafka.sender.TransactionManager;
import reactor.util.retry.Retry;

/**
 * The processing engine's logs on Kafka: the requests topic read as a member of the processors' consumer group, and
 * results, stream states and dead letters written with the consumed offsets in Kafka transactions (transactional
 * producers with stable ids, offsets committed with the group's metadata, so that a processor that lost its partitions
 * cannot commit for them any more).
 *
 * <p>Transactions alternate between two producers. Under Kafka's transaction protocol 2 a producer's next transaction
 * may begin as soon as the broker has decided its last one, but until that one's markers are written, the broker
 * answers the next one's partitions and offsets CONCURRENT_TRANSACTIONS and holds them for a retry (20 ms for a
 * produce): with one producer, a sixth to a third of the commits waited so. Taken in turn, a producer's last
 * transaction has had the whole of the other's to finish (BENCHMARKS.md section 29). Order holds: a transaction
 * begins only once the previous one is decided, so its records follow that one's in the log, readers see neither
 * before the earlier one's markers, and of two committed offsets of a partition the group keeps the later written.
 *
 * <p>A new stream's {@code STARTED} goes to the results topic outside the transactions, from an idempotent producer of
 * its own, while they go on ({@link ProcessingLog.Connection#confirmStarts}): {@code read_committed} readers see it
 * once the transaction under way commits, whose records precede it in the partition.
 *
 * <p>Each connection numbers the assignments of each partition (epochs) on the consumer's thread, inside its polls:
 * every record is tagged with the epoch of the poll that fetched it, and every commit keeps only what belongs to an
 * assignment that is still this consumer's, as of the last poll.
 */
final class KafkaProcessingLog implements ProcessingLog {

    private static final Logger log = LoggerFactory.getLogger(KafkaProcessingLog.class);

    /** Transactions of a processor that died are aborted by the broker after this long, at the latest. */
    private static final int TRANSACTION_TIMEOUT_MS = 10_000;
    /**
     * A transaction's offsets often reach the group coordinator before the previous commit's markers have: the broker
     * answers CONCURRENT_TRANSACTIONS and the producer retries after retry.backoff.ms, 100 ms by default, which was
     * most of a result's latency. Retry at once instead; the backoff still grows while an error persists.
     */
    private static final long RETRY_BACKOFF_MS = 5;
    /** How long restoring a partition's stream states may take before the connection is given up. */
    private static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(60);
    /** How long a restore's fetch waits for records past the end it reads to (none are needed). */
    private static final int RESTORE_FETCH_WAIT_MS = 10;
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(10);
    /**
     * A transaction refused for a generation that just changed is committed again once the consumer's poll has taken
     * the new one: most often within milliseconds, but a poll inside a rebalance returns only once the rebalance ends,
     * and five tries 20 ms apart ran out once in ten runs (BENCHMARKS.md section 118). Up to 5 s, then the processor
     * starts over as before.
     */
    private static final int GENERATION_RETRIES = 50;
    private static final Duration GENERATION_RETRY_DELAY = Duration.ofMillis(100);
    /** Built once: every transaction's commit carries it. */
    private static final Retry STALE_GENERATION_RETRY = Retry.fixedDelay(GENERATION_RETRIES, GENERATION_RETRY_DELAY)
            .filter(KafkaProcessingLog::isStaleGeneration)
            .doBeforeRetry(signal -> log.info("The group's generation changed while a transaction was on its way;"
                    + " committing again under the current one"));

    private final ClientSettings settings;
    private final RecordMapping mapping;
    private final PartitionOwnership ownership;
    /**
     * Kept across connections (and process restarts, when configured): a new producer with the same transactional id
     * fences the previous one and aborts its open transaction at once; readers of the results (read_committed) would
     * otherwise wait for it to time out. The first is the id processors had when they had one producer, so a rolling
     * upgrade still fences its predecessor at once.
     */
    private final List<String> transactionalIds;
    /** Static group membership: the same instance coming back gets its partitions at once, with no rebalance. */
    private final String groupInstanceId;
    /** Counts the commands retention deleted before the group read them ({@link DeletedRequestsCheck}). */
    private final Counter deletedRequests;
    /** Counts the later copies of retried chunks passed over ({@link RetriedSends}). */
    private final Counter copiesPassedOver;
    /** Asks the topics how large a record they take now ({@link TopicRecordLimit}); blocks. */
    private final Runnable askRecordLimit;
    private final RetriedSends retries;

    /**
     * @param instanceId     stable across process restarts, or empty for a random one per process
     * @param meters         where its counters go
     * @param askRecordLimit asks the topics how large a record they take now, at each connection (blocks)
     */
    KafkaProcessingLog(ClientSettings settings, RecordMapping mapping, PartitionOwnership ownership, String instanceId,
                       MeterRegistry meters, Runnable askRecordLimit) {
        this.settings = settings;
        this.mapping = mapping;
        this.ownership = ownership;
        this.groupInstanceId = instanceId.isEmpty() ? null : instanceId;
        this.deletedRequests = Counter.builder("streamgate.processing.requests.deleted")
                .description("Commands the requests topic's retention deleted before the processors read them, "
                        + "each run logged at WARN")
                .register(meters);
        this.copiesPassedOver = Counter.builder("streamgate.processing.copies.passed.over")
                .description("Later copies of chunks a client sent again under their Idempotency-Key after a 503,"
                        + " passed over: the first copy counts, each logged at INFO")
                .register(meters);
        this.askRecordLimit = askRecordLimit;
        this.retries = new RetriedSends(settings, mapping);
        String transactionalId = "streamgate-processor-" + (instanceId.isEmpty() ? UUID.randomUUID() : instanceId);
        this.transactionalIds = List.of(transactionalId, transactionalId + "-1");
    }

    /**
     * Blocks while it asks the topics how large a record they take, creates the clients and fences these ids' previous
     * producers: call it where blocking is allowed. Processing connects again after any failure of its work, a
     * transaction Kafka refused for a record too large included, so a topic's lowered limit is followed from then.
     */
    @Override
    public Connection connect() {
        askRecordLimit.run();
        return new KafkaConnection();
    }

    /**
     * Refused offsets: the group moved to a new generation, or no longer knows this member. Thrown by the offsets'
     * send, or as the cause of the commit's failure when the producer learned of it first.
     */
    private static boolean isStaleGeneration(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CommitFailedException) {
                return true;
            }
        }
        return false;
    }

    private final class KafkaConnection implements Connection {

        private final List<KafkaSender<String, byte[]>> senders = new ArrayList<>();
        /** Which of the senders takes the next transaction; read and written by one commit at a time. */
        private int next;
        private final KafkaReceiver<String, byte[]> receiver;
        /** Writes starts' confirmations, outside the transactions. */
        private final KafkaSender<String, byte[]> confirmations;
        private final EpochTagging epochs = new EpochTagging(new DeletedRequestsCheck(deletedRequests));
        private final Sinks.Many<LogEvent> assignments = Sinks.many().unicast().onBackpressureBuffer();
        /** The chunks sent under an Idempotency-Key read so far, for retries to find their first copies. */
        private final CopyIndex copies = new CopyIndex();

        KafkaConnection() {
            confirmations = KafkaSender.create(SenderOptions.<String, byte[]>create(
                    settings.producer(transactionalIds.get(0) + "-starts")).closeTimeout(ClientSettings.CLOSE_TIMEOUT));
            try {
                for (String transactionalId : transactionalIds) {
                    KafkaSender<String, byte[]> sender = transactionalSender(transactionalId);
                    senders.add(sender);
                    // Creates the producer now, which fences this id's predecessor and aborts its open transaction:
                    // restoring reads the state log up to its last stable offset, which an open transaction would
                    // hold back.
                    sender.doOnProducer(created -> true).block(RESTORE_TIMEOUT);
                }
                // Created now too, where blocking is allowed, not by the first confirmation on the engine's thread.
                confirmations.doOnProducer(created -> true).block(RESTORE_TIMEOUT);
            } catch (RuntimeException failed) {
                senders.forEach(KafkaSender::close); // the one that failed to start included
                confirmations.close();
                throw failed;
            }

            Map<String, Object> consumer = settings.consumer(transactionalIds.get(0));
            consumer.put(ConsumerConfig.GROUP_ID_CONFIG, settings.kafka().processorGroup());
            // A consumer that dies without leaving the group holds its partitions until its session times out, unless
            // it comes back under the same instance id: 10 s instead of the default 45 s.
            consumer.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
            if (groupInstanceId != null) {
                consumer.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupInstanceId);
            }
            // Incremental rebalancing (KIP-429): when a processor joins or leaves, only the partitions that move are
            // revoked. Under the default, eager protocol every processor gave all its partitions up at each change
            // and restored them again, one after another, its streams waiting meanwhile (BENCHMARKS.md section 118).
            // The default list names this assignor too, after the range assignor, so processors of an earlier
            // release and of this one agree on it through a rolling upgrade.
            consumer.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                    CooperativeStickyAssignor.class.getName());
            ReceiverOptions<String, byte[]> options = ReceiverOptions.<String, byte[]>create(consumer)
                    .closeTimeout(ClientSettings.CLOSE_TIMEOUT)
                    .pollTimeout(POLL_TIMEOUT)
                    // Records are handed on from the consumer's thread, as it polls.
                    .schedulerSupplier(Schedulers::immediate)
                    // reactor-kafka holds a rebalance up to this long, inside the revoke, while records it handed out are
                    // not acknowledged: by default 60 s, a minute with no processing anywhere in the group each time a
                    // processor joins or leaves. The engine never acknowledges (its transactions commit the offsets),
                    // and an epoch tells it which records belong to a revoked assignment: no delay is needed.
                    .maxDelayRebalance(Duration.ZERO)
                    .subscription(List.of(settings.kafka().requestsTopic()))
                    .addAssignListener(this::assigned)
                    .addRevokeListener(this::revoked);
            receiver = KafkaReceiver.create(epochs, options);
        }

        private KafkaSender<String, byte[]> transactionalSender(String transactionalId) {
            Map<String, Object> producer = settings.producer(transactionalId);
            producer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
            producer.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
            producer.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, RETRY_BACKOFF_MS);
            return KafkaSender.create(SenderOptions.<String, byte[]>create(producer)
                    .closeTimeout(ClientSettings.CLOSE_TIMEOUT));
        }

        /**
         * On the consumer's thread, inside a poll. A partition added to the topic after this instance started is
         * passed over: no stream's commands go there (producers keep to the count they started with), and its
         * state partition, which restoring would read, does not exist.
         */
        private void assigned(Iterable<ReceiverPartition> partitions) {
            List<Integer> numbers = new ArrayList<>();
            for (ReceiverPartition partition : partitions) {
                int number = partition.topicPartition().partition();
                if (!ownership.holdsStreams(number)) {
                    log.warn("Passing over {}, added to the topic after this instance started: no stream is in it",
                            partition.topicPartition());
                    continue;
                }
                assignments.tryEmitNext(new LogEvent.Assigned(number, epochs.assign(number)));
                numbers.add(number);
            }
            ownership.assigned(numbers);
        }

        /** On the consumer's thread, inside a poll. */
        private void revoked(Iterable<ReceiverPartition> partitions) {
            List<Integer> numbers = new ArrayList<>();
            for (ReceiverPartition partition : partitions) {
                int number = partition.topicPartition().partition();
                if (ownership.holdsStreams(number)) {
                    assignments.tryEmitNext(new LogEvent.Revoked(number, epochs.revoke(number)));
                    numbers.add(number);
                }
            }
            ownership.revoked(numbers);
        }

        @Override
        public Flux<LogEvent> events() {
            Flux<LogEvent> received = receiver.receive()
                    .filter(record -> ownership.holdsStreams(record.partition()))
                    .concatMap(this::received);
            return Flux.merge(assignments.asFlux(), received)
                    // The consumer is built, and may block, on the subscribing thread: never a non-blocking one.
                    .subscribeOn(Schedulers.boundedElastic());
        }

        /**
         * The record as the engine gets it. A later copy of a retried chunk ({@link RetriedSends}) is passed over, as a
         * record that is no command: the first copy is the one its client was answered, and the one processed. Which
         * copy is first is known from the copies this connection read ({@link CopyIndex}), else read from the log.
         */
        private Mono<LogEvent> received(ConsumerRecord<String, byte[]> record) {
            long epoch = EpochTagging.epochOf(record);
            StreamCommand command = mapping.toCommand(record);
            LogEvent.Received received = new LogEvent.Received(record.partition(), epoch, record.offset(), command,
                    Math.max(0, record.serializedKeySize()) + Math.max(0, record.serializedValueSize()));
            long from = mapping.retryFrom(record);
            if (from < 0 || !CopyIndex.isKeyedChunk(command)) {
                copies.note(record.partition(), epoch, record.offset(), command);
                return Mono.just(received);
            }
            OptionalLong known = copies.firstCopy(record.partition(), epoch, command, from, record.offset());
            Mono<Long> first = known.isPresent() ? Mono.just(known.getAsLong())
                    : firstCopyLearned(record, epoch, command, from);
            return first.map(offset -> {
                copies.note(record.partition(), epoch, record.offset(), command);
                if (offset == record.offset()) {
                    return received;
                }
                copiesPassedOver.increment();
                log.info("Passing over the chunk at {} of {}: a retry of the one at {}, which counts",
                        record.offset(), record.topic() + "-" + record.partition(), offset);
                return new LogEvent.Received(received.partition(), epoch, received.offset(), null, received.bytes());
            });
        }

        /**
         * The first copy of a retried chunk whose lower bound lies before what this connection has read of its
         * partition: the stretch in between is read into the copy index, for this retry and those that follow it (a
         * read each would hold the connection once a retry), else, past the index's bound, looked up for this one.
         */
        private Mono<Long> firstCopyLearned(ConsumerRecord<String, byte[]> record, long epoch, StreamCommand command,
                                            long from) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            long until = copies.knownFrom(record.partition(), epoch, record.offset());
            return retries.keyedChunks(partition, from, until, CopyIndex.MAX_COPIES)
                    .flatMap(stretch -> {
                        log.info("Read {} back from {} to {} for the first copy of a retried chunk: {} sent under"
                                + " keys", partition, from, until, stretch.chunks().size());
                        copies.learn(record.partition(), epoch, record.offset(), stretch, until);
                        OptionalLong learned = copies.firstCopy(record.partition(), epoch, command, from,
                                record.offset());
                        return learned.isPresent() ? Mono.just(learned.getAsLong())
                                : retries.firstCopy(partition, command, from, record.offset());
                    });
        }

        @Override
        public void pause(int partition) {
            onAssigned(partition, Consumer::pause);
        }

        @Override
        public void resume(int partition) {
            onAssigned(partition, Consumer::resume);
        }

        /**
         * Pauses or resumes a partition of requests, if still assigned, on the consumer's thread between polls
         * (reactor-kafka leaves a partition paused this way alone). A connection going away takes its pauses with it.
         */
        private void onAssigned(int partition, BiConsumer<Consumer<?, ?>, List<TopicPartition>> action) {
            TopicPartition requests = new TopicPartition(settings.kafka().requestsTopic(), partition);
            receiver.doOnConsumer(consumer -> {
                if (consumer.assignment().contains(requests)) {
                    action.accept(consumer, List.of(requests));
                }
                return true;
            }).subscribe(null, failure -> { });
        }

        @Override
        public Mono<Map<String, StoredStream>> restore(int partition) {
            return Mono.fromCallable(() -> readStates(partition)).subscribeOn(Schedulers.boundedElastic());
        }

        /**
         * Every stream's latest state in the partition, committed transactions only, once no transaction that holds
         * some of them is still undecided. Blocks: a worker thread's job.
         *
         * <p>Restoring starts when the partition is assigned, while the consumer is still fetching the group's position
         * in it. The predecessor's last transaction may be undecided then (it commits what its streams did, states and
         * the position together): read up to the last stable offset, its states would be missing, and if it then
         * commits, this processor would go on from its position with states from before it, and redo commands the
         * states say are done (a result twice). So restoring first waits for the group's position to be stable (a
         * read_committed consumer asks for it so, KIP-447: pending transactional offsets are waited out), then for the
         * state partition to have no open transaction (that transaction's marker may reach it after the group's).
         */
        private Map<String, StoredStream> readStates(int partition) {
            TopicPartition topicPartition = new TopicPartition(settings.kafka().stateTopic(), partition);
            long deadline = System.nanoTime() + RESTORE_TIMEOUT.toNanos();
            // Of the group, to ask its position; it never joins (assigned by hand) nor commits.
            Map<String, Object> restoring = settings.consumer("streamgate-state-restore-" + partition);
            restoring.put(ConsumerConfig.GROUP_ID_CONFIG, settings.kafka().processorGroup());
            restoring.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            // It reads to an end it knows; the fetch it has sent from there by then waits up to fetch.max.wait.ms (500
            // ms by default) for records that are not coming, and closing the consumer waits for it: half a second a
            // partition, most of a restore one at a time (BENCHMARKS.md section 117).
            restoring.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, RESTORE_FETCH_WAIT_MS);
            // Each stream's latest state as written: most records read are superseded or deleted further on, so only
            // the survivors are parsed.
            Map<String, byte[]> latest = new HashMap<>();
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(restoring)) {
                consumer.committed(Set.of(new TopicPartition(settings.kafka().requestsTopic(), partition)),
                        remaining(deadline)); // waits while the group's position is undecided
                // Assigned before its ends are asked: the client warns of each answer for a partition it has not.
                consumer.assign(List.of(topicPartition));
                long end = awaitNoOpenTransaction(consumer, topicPartition, deadline);
                consumer.seekToBeginning(List.of(topicPartition));
                while (consumer.position(topicPartition, RESTORE_TIMEOUT) < end) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Could not read " + topicPartition + " to " + end + " in "
                                + RESTORE_TIMEOUT + ": it may be compacted too seldom (segment.ms, segment.bytes,"
                                + " delete.retention.ms; README's Topic retention)");
                    }
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        if (record.value() == null) {
                            latest.remove(record.key());
                        } else {
                            latest.put(record.key(), record.value());
                        }
                    }
                }
            }
            Map<String, StoredStream> states = new HashMap<>();
            latest.forEach((stream, state) -> states.put(stream, mapping.toState(state)));
            return states;
        }

        /**
         * The state partition's end once no transaction is open on it: when the last stable offset that {@code
         * committed} (read_committed) sees is the end that a read_uncommitted consumer sees.
         */
        private long awaitNoOpenTransaction(KafkaConsumer<String, byte[]> committed, TopicPartition states,
                                            long deadline) {
            Map<String, Object> uncommitted = settings.consumer("streamgate-state-restore-end-" + states.partition());
            uncommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
            try (KafkaConsumer<String, byte[]> all = new KafkaConsumer<>(uncommitted)) {
                all.assign(List.of(states)); // never polled: assigned only so that its ends are taken without a warning
                while (true) {
                    long stable = committed.endOffsets(List.of(states), remaining(deadline)).get(states);
                    long end = all.endOffsets(List.of(states), remaining(deadline)).get(states);
                    if (stable >= end) {
                        return stable;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("A transaction stayed open on " + states + " for "
                                + RESTORE_TIMEOUT);
                    }
                    sleep(Duration.ofMillis(50)); // a transaction is decided within its timeout: polling its end
                }
            }
        }

        private static Duration remaining(long deadline) {
            return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        }

        private static void sleep(Duration pause) {
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while restoring", e);
            }
        }

        /**
         * Commits what belongs to assignments still this consumer's. A rebalance that ends while the transaction is on
         * its way moves the group to a new generation, and the broker refuses the offsets sent under the one before
         * (ILLEGAL_GENERATION): the transaction is aborted, and committed again under what the consumer holds now,
         * which leaves out what a revoke took. Given up instead, processing started over, left the group and began
         * another rebalance, every processor's streams waiting for each (BENCHMARKS.md section 118).
         */
        @Override
        public Mono<Void> commit(Transaction transaction) {
            return Mono.defer(() -> commitOwned(transaction)).retryWhen(STALE_GENERATION_RETRY);
        }

        private Mono<Void> commitOwned(Transaction transaction) {
            EpochTagging.Snapshot snapshot = epochs.snapshot();
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (Transaction.PartitionOutcome outcome : transaction.partitions()) {
                if (!Objects.equals(snapshot.owned().get(outcome.partition()), outcome.epoch())) {
                    continue; // no longer this consumer's: its new owner redoes it
                }
                add(outcome, records);
                if (outcome.nextOffset() >= 0) {
                    offsets.put(new TopicPartition(settings.kafka().requestsTopic(), outcome.partition()),
                            new OffsetAndMetadata(outcome.nextOffset()));
                }
            }
            if (records.isEmpty() && offsets.isEmpty()) {
                return Mono.empty();
            }
            return inTransaction(records, offsets, snapshot.metadata());
        }

        @Override
        public Mono<Void> confirmStarts(List<StartConfirmation> starts) {
            return Mono.defer(() -> {
                Map<Integer, Long> owned = epochs.snapshot().owned();
                List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
                for (StartConfirmation start : starts) {
                    if (Objects.equals(owned.get(start.partition()), start.epoch())) {
                        records.add(mapping.toRecord(settings.kafka().resultsTopic(), start.started()));
                    }
                }
                if (records.isEmpty()) {
                    return Mono.empty();
                }
                return confirmations.send(Flux.fromIterable(records).map(record -> SenderRecord.create(record, null)))
                        .doOnNext(result -> {
                            if (result.exception() != null) {
                                throw new IllegalStateException("Kafka refused a start's confirmation",
                                        result.exception());
                            }
                        })
                        .then();
            });
        }

        private void add(Transaction.PartitionOutcome outcome, List<ProducerRecord<String, byte[]>> records) {
            String results = settings.kafka().resultsTopic();
            String states = settings.kafka().stateTopic();
            String deadLetters = settings.kafka().deadLetterTopic();
            outcome.results().forEach(result -> records.add(mapping.toRecord(results, result)));
            outcome.states().forEach((stream, state) ->
                    records.add(mapping.toRecord(states, outcome.partition(), stream, state)));
            outcome.forgotten().forEach(stream -> records.add(mapping.toRecord(states, outcome.partition(), stream, null)));
            outcome.deadLetters().forEach(deadLetter -> records.add(mapping.toRecord(deadLetters, deadLetter)));
        }

        private Mono<Void> inTransaction(List<ProducerRecord<String, byte[]>> records,
                                         Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
            KafkaSender<String, byte[]> sender = senders.get(next);
            next = (next + 1) % senders.size();
            TransactionManager transactions = sender.transactionManager();
            Mono<Void> sent = sender.send(Flux.fromIterable(records).map(record -> SenderRecord.create(record, null)))
                    .doOnNext(result -> {
                        if (result.exception() != null) {
                            throw new IllegalStateException("Kafka refused a record of the transaction",
                                    result.exception());
                        }
                    })
                    .then();
            Mono<Void> committedOffsets = offsets.isEmpty() ? Mono.empty() : transactions.sendOffsets(offsets, group);
            return transactions.<Void>begin()
                    // The offsets go while the records are on their way, not after their acknowledgements: one round
                    // trip less per transaction, and every result waits for one. The commit still waits for every
                    // record, and fails (the abort below then takes the offsets back too) if any of them did.
                    .then(Mono.when(sent, committedOffsets))
                    .then(transactions.<Void>commit())
                    .onErrorResume(failure -> transactions.<Void>abort()
                            .onErrorResume(abortFailure -> Mono.empty())
                            .then(Mono.error(failure)));
        }

        @Override
        public void close() {
            ownership.revoked(ownership.all()); // a new connection starts with a new assignment
            assignments.tryEmitComplete();
            senders.forEach(KafkaSender::close);
            confirmations.close();
        }
    }
}
