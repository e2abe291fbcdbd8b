package io.streamgate.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.streamgate.logging.ThrottledLogLine;
import io.streamgate.processing.engine.StreamResult;
import io.streamgate.stream.StreamRegistry;
import io.streamgate.tracing.StreamTracing;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.kafka.receiver.KafkaReceiver;
import reactor.kafka.receiver.ReceiverOptions;
import reactor.kafka.receiver.ReceiverPartition;
import reactor.util.retry.Retry;

/**
 * The gateway's one Kafka consumer of results, however many readers are connected. It reads every partition of
 * the results topic from the beginning (committed transactions only) into the {@link StreamRegistry}, which the
 * SSE readers then read from; if its consumer fails, the next one reads on after the last record applied. No
 * consumer group: every gateway node sees every stream.
 *
 * <p>It reports {@link #caughtUp()} once it has read what the topic held when it started, so a restarted gateway
 * only reports healthy, says it is ready and ends idle streams when it knows its streams again.
 */
final class ResultsFeed extends SubscriptionLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ResultsFeed.class);
    private static final Duration CATCH_UP_CHECK = Duration.ofMillis(100);
    /**
     * How long a poll that finds nothing waits. {@link #positions()} runs on the consumer's thread between polls, and
     * wakes a poll under way so that it does not wait for the poll's end; so this no longer bounds how long a request
     * for a stream this instance does not know waits (a 10 ms poll was two thirds of an idle {@code 404}'s time, and a
     * 2 ms poll, which took most of that off, cost reactor-kafka's consumer threads about a sixth more CPU under load:
     * BENCHMARKS.md sections 43 and 44). A poll that finds results returns at once whatever this is.
     */
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final KafkaReceiver<String, byte[]> receiver;
    private final StreamRegistry registry;
    private final Map<TopicPartition, Long> endOffsetsAtStart = new ConcurrentHashMap<>();
    /**
     * Per partition (by number), the offset after the last record applied, 0 before any: where a reconnected consumer
     * reads on. Written by the consumer's thread only.
     */
    private final AtomicLongArray resumeAt;
    private volatile boolean caughtUp;
    private final Sinks.Empty<Void> caughtUpSignal = Sinks.empty();
    /** The consumer reactor-kafka has just built, until its partitions are assigned. */
    private volatile Consumer<?, ?> assigning;
    /**
     * The consumer {@link #positions()} may wake: only once it has its partitions. Before that it runs the assignment's
     * blocking calls (the end offsets in {@link #replayFrom}), which a wake-up would fail.
     */
    private volatile Consumer<?, ?> polling;

    private final RecordMapping mapping;
    private final StreamTracing tracing;
    /** Records passed over for a fault while applying them: each also logged, this for alerting. */
    private final Counter passedOver;
    /** Lines a burst of records would write one each (a foreign producer on the topic): one a window. */
    private final ThrottledLogLine notAResult = new ThrottledLogLine(log, Level.WARN, Schedulers.parallel());
    private final ThrottledLogLine notApplied = new ThrottledLogLine(log, Level.ERROR, Schedulers.parallel());

    ResultsFeed(ClientSettings settings, List<TopicPartition> partitions, StreamRegistry registry,
                RecordMapping mapping, StreamTracing tracing, Counter passedOver) {
        this.registry = registry;
        this.passedOver = passedOver;
        this.mapping = mapping;
        this.tracing = tracing;
        int lastPartition = partitions.stream().mapToInt(TopicPartition::partition).max().orElse(-1);
        this.resumeAt = new AtomicLongArray(lastPartition + 1);
        ReceiverOptions<String, byte[]> options = ReceiverOptions.<String, byte[]>create(
                        settings.consumer("streamgate-results-feed"))
                .closeTimeout(ClientSettings.CLOSE_TIMEOUT)
                .pollTimeout(POLL_TIMEOUT)
                // Apply records on the consumer's own thread, inside the poll that fetched them (reactor-kafka hands
                // them to another thread by default). positions() depends on it: once the consumer's position has
                // passed an offset, every record before it is in the registry, not still queued between threads.
                .schedulerSupplier(Schedulers::immediate)
                .assignment(partitions)
                .consumerListener(new WakeableConsumer())
                .addAssignListener(assigned -> {
                    assigned.forEach(this::replayFrom);
                    polling = assigning;
                });
        this.receiver = KafkaReceiver.create(options);
    }

    boolean caughtUp() {
        return caughtUp;
    }

    /** Completes once {@link #caughtUp()}. */
    Mono<Void> awaitCaughtUp() {
        return caughtUpSignal.asMono();
    }

    /**
     * How far the feed has read each partition, and applied it: records are applied on the consumer's thread as each
     * poll hands them over, and this runs on that thread too, so every record before a partition's position is in
     * the registry. Empty while the consumer is not running.
     *
     * <p>The question is queued for the consumer's thread first, then the poll under way is woken (reactor-kafka takes
     * a woken poll as one that found nothing, and runs what is queued before it polls again): the answer comes now,
     * not when the poll would have ended. A wake-up that finds no poll under way ends the next one at once, which costs
     * one empty poll.
     */
    Mono<Map<TopicPartition, Long>> positions() {
        return Mono.<Map<TopicPartition, Long>>create(answer -> {
                    answer.onDispose(receiver.doOnConsumer(ResultsFeed::positionsOf)
                            .subscribe(answer::success, answer::error));
                    wakeUp();
                })
                .onErrorReturn(Map.of());
    }

    private void wakeUp() {
        Consumer<?, ?> consumer = polling;
        if (consumer != null) {
            consumer.wakeup();
        }
    }

    private static Map<TopicPartition, Long> positionsOf(Consumer<String, byte[]> consumer) {
        return consumer.assignment().stream().collect(Collectors.toMap(partition -> partition, consumer::position));
    }

    @Override
    protected Disposable subscribe() {
        Disposable feed = receiver.receive()
                .doOnNext(this::apply)
                // The consumer is built, and may block, on the subscribing thread: never a non-blocking one, also
                // when a retry resubscribes from the backoff's timer thread.
                .subscribeOn(Schedulers.boundedElastic())
                // A reconnected consumer reads on where this one stopped (resumeAt): the registry would pass over what
                // it already holds, but live results would wait behind the whole log read again.
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(10))
                        .doBeforeRetry(signal -> log.warn("Results feed failed; reconnecting", signal.failure())))
                .subscribe();
        long subscribedAt = System.nanoTime();
        Disposable catchUp = Flux.interval(CATCH_UP_CHECK)
                .onBackpressureDrop()
                .concatMap(tick -> positions())
                .filter(this::reachedStartEnd)
                .next()
                .subscribe(done -> {
                    // How long this gateway was not ready for reading the topic: what its retention costs a start.
                    log.info("Results feed caught up in {} ms: {} streams known",
                            (System.nanoTime() - subscribedAt) / 1_000_000, registry.sessions().size());
                    caughtUp = true;
                    caughtUpSignal.tryEmitEmpty();
                });
        return Disposables.composite(feed, catchUp);
    }

    /**
     * Applies one record to the registry. A record this gateway cannot apply (a fault of its own) is logged and passed
     * over: failing the feed would read the same record again and fail again, and every stream would wait behind it.
     */
    private void apply(ConsumerRecord<String, byte[]> record) {
        try {
            StreamResult result = mapping.toResult(record);
            if (result == null) {
                notAResult.log("Skipping a record that is not a Streamgate result at " + record.topic() + "-"
                        + record.partition() + "@" + record.offset());
            } else {
                // A result's event id is its position in the results log: it increases along a stream however many
                // results each chunk has, and is the same on every gateway.
                registry.apply(traced(result, record.timestamp()), record.offset(), record.timestamp());
            }
        } catch (RuntimeException fault) {
            passedOver.increment();
            notApplied.log("Passing over a result this gateway could not apply at " + record.topic() + "-"
                    + record.partition() + "@" + record.offset(), fault);
        }
        resumeAt.set(record.partition(), record.offset() + 1);
    }

    /** A traced result's time from its producer to this feed, as a span its readers' deliveries join. */
    private StreamResult traced(StreamResult result, long producedAtMillis) {
        if (result.trace() == null) {
            return result;
        }
        return result.withTrace(tracing.recordFeed(result.trace(), result.streamId(), producedAtMillis));
    }

    /** From the beginning at start-up; after the last record applied when the feed reconnects. */
    private void replayFrom(ReceiverPartition partition) {
        endOffsetsAtStart.putIfAbsent(partition.topicPartition(), partition.endOffset());
        long next = resumeAt.get(partition.topicPartition().partition());
        if (next == 0) {
            partition.seekToBeginning();
        } else {
            log.info("Results feed reading {} on from offset {}", partition.topicPartition(), next);
            partition.seek(next);
        }
    }

    private boolean reachedStartEnd(Map<TopicPartition, Long> positions) {
        if (endOffsetsAtStart.isEmpty()) {
            return false;
        }
        return endOffsetsAtStart.entrySet().stream()
                .allMatch(entry -> positions.getOrDefault(entry.getKey(), -1L) >= entry.getValue());
    }

    /** Tells the feed which consumer reactor-kafka built, so that it wakes that one and no closed one. */
    private final class WakeableConsumer implements ReceiverOptions.ConsumerListener {

        @Override
        public void consumerAdded(String id, Consumer<?, ?> consumer) {
            polling = null;
            assigning = consumer;
        }

        @Override
        public void consumerRemoved(String id, Consumer<?, ?> consumer) {
            if (polling == consumer) {
                polling = null;
            }
        }
    }
}
