package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamgate.config.StreamgateProperties;
import io.streamgate.processing.engine.StreamResult;
import io.streamgate.stream.StreamRegistry;
import io.streamgate.stream.StreamSession;
import io.streamgate.tracing.StreamTracing;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;
import tools.jackson.databind.json.JsonMapper;

/**
 * The results feed against the test broker, when its reading is interrupted: it reads on from the oldest result the
 * log still holds when the log is trimmed past its position (never from the log's end), and after the last result it
 * applied when it fails and reconnects (not from the log's beginning).
 */
class ResultsFeedIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int STREAMS = 100;

    private final RecordMapping mapping = new RecordMapping(JsonMapper.builder().build(), () -> Long.MAX_VALUE);
    private final Counter passedOver = new SimpleMeterRegistry().counter("passed-over");
    private final StreamRegistry registry = new StreamRegistry(100, 1 << 20, Long.MAX_VALUE, Long.MAX_VALUE,
            Duration.ofDays(1), Clock.systemUTC());

    /**
     * Retention deletes a topic's oldest segment whenever it ages out, also while a restarted gateway is reading it:
     * the feed's next fetch then falls before the log's new start. Reading on from the end there would skip everything
     * the log still holds, every stream's start and end, and the feed would report itself caught up regardless.
     */
    @Test
    void shouldReadOnFromTheOldestResultStillHeldWhenTheLogIsTrimmedPastItsPosition() throws Exception {
        ClientSettings settings = oneBatchPerFetch(TestKafka.freshTopics("feed-trimmed"));
        TopicPartition partition = new TopicPartition(settings.kafka().resultsTopic(), 0);
        writeStarts(settings, STREAMS);

        HeldAtFirstResult held = new HeldAtFirstResult();
        ResultsFeed feed = new ResultsFeed(settings, List.of(partition), registry, mapping, held, passedOver);
        feed.start();
        try {
            assertThat(held.reached.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .as("the feed reached the first result").isTrue();
            try (Admin admin = Admin.create(settings.admin())) {
                admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(STREAMS / 2))).all()
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            held.release.countDown();

            awaitCaughtUp(feed);
            List<String> expected = IntStream.range(STREAMS / 2, STREAMS).mapToObj(ResultsFeedIT::streamId).toList();
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(knownStreams())
                    .as("streams the feed knows, after the log was trimmed to its second half under it")
                    .containsAll(expected));
        } finally {
            held.release.countDown();
            feed.stop();
        }
    }

    /**
     * A feed whose consumer fails (here at a record only a new consumer can deserialize, as at a fetch's error)
     * reconnects: it reads on after the last result it applied, not the whole log again, which live results would wait
     * behind.
     */
    @Test
    void shouldReadOnAfterTheLastResultItAppliedWhenItsConsumerFailsAndReconnects() throws Exception {
        ClientSettings settings = withConsumer(TestKafka.freshTopics("feed-reconnect"),
                Map.of("key.deserializer", KeyUnreadableByFirstConsumer.class.getName()));
        TopicPartition partition = new TopicPartition(settings.kafka().resultsTopic(), 0);
        writeStarts(settings, STREAMS);
        KeyUnreadableByFirstConsumer.unreadable(streamId(STREAMS / 2));

        CountingReads counting = new CountingReads();
        ResultsFeed feed = new ResultsFeed(settings, List.of(partition), registry, mapping, counting, passedOver);
        feed.start();
        try {
            awaitCaughtUp(feed);
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(knownStreams()).as("streams the feed knows")
                    .hasSize(STREAMS));
            assertThat(KeyUnreadableByFirstConsumer.failures()).as("how often the first consumer failed at the record")
                    .isPositive();
            Map<String, Integer> readTwice = new TreeMap<>(counting.reads);
            readTwice.values().removeIf(reads -> reads == 1);
            assertThat(readTwice).as("streams whose start the feed read more than once, with how often").isEmpty();
        } finally {
            feed.stop();
        }
    }

    /**
     * A record this gateway cannot apply (a fault of its own, here its tracing's) is passed over: failing the feed on
     * it would read it again and fail again, and every stream after it would wait.
     */
    @Test
    void shouldPassOverAResultItCannotApplyAndReadOn() throws Exception {
        ClientSettings settings = TestKafka.freshTopics("feed-fault");
        TopicPartition partition = new TopicPartition(settings.kafka().resultsTopic(), 0);
        writeStarts(settings, STREAMS);

        String faulty = streamId(STREAMS / 2);
        CountingReads failing = new CountingReads() {
            @Override
            public String recordFeed(String traceparent, String streamId, long producedAtMillis) {
                super.recordFeed(traceparent, streamId, producedAtMillis);
                if (streamId.equals(faulty)) {
                    throw new IllegalStateException("A fault of the feed's own, at " + streamId);
                }
                return null;
            }
        };
        ResultsFeed feed = new ResultsFeed(settings, List.of(partition), registry, mapping, failing, passedOver);
        feed.start();
        try {
            awaitCaughtUp(feed);
            List<String> expected = IntStream.range(0, STREAMS).mapToObj(ResultsFeedIT::streamId)
                    .filter(stream -> !stream.equals(faulty)).sorted().toList();
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(knownStreams()).as("streams the feed knows")
                    .containsExactlyElementsOf(expected));
            assertThat(failing.reads.values()).as("how often the feed read each stream's start").containsOnly(1);
            assertThat(passedOver.count()).as("results counted as passed over").isEqualTo(1);
        } finally {
            feed.stop();
        }
    }

    private void awaitCaughtUp(ResultsFeed feed) {
        feed.awaitCaughtUp()
                .timeout(TIMEOUT, Mono.fromRunnable(() -> {
                    throw new AssertionError("The feed did not catch up in " + TIMEOUT + "; it knows " + knownStreams());
                }))
                .block();
    }

    /** One record batch a fetch, so that what the feed has not fetched yet is still the broker's to trim. */
    private static ClientSettings oneBatchPerFetch(ClientSettings settings) {
        return withConsumer(settings, Map.of("max.partition.fetch.bytes", "1", "fetch.max.bytes", "1"));
    }

    /** The same topics, read with {@code consumer} passed through to the feed's consumer. */
    private static ClientSettings withConsumer(ClientSettings settings, Map<String, String> consumer) {
        StreamgateProperties.Kafka kafka = settings.kafka();
        return new ClientSettings(TestKafka.bootstrapServers(), new StreamgateProperties.Kafka("",
                kafka.requestsTopic(), kafka.resultsTopic(), kafka.stateTopic(), kafka.deadLetterTopic(),
                kafka.partitions(), kafka.replicationFactor(), DataSize.ofMegabytes(8), kafka.deliveryTimeout(),
                kafka.processorGroup(), Map.of(), consumer));
    }
    /** A {@code STARTED} of one stream per record batch, each traced so that the feed asks the tracing about it. */
    private void writeStarts(ClientSettings settings, int streams) throws Exception {
        try (KafkaProducer<String, byte[]> processor = new KafkaProducer<>(settings.producer("it-feed-processor"))) {
            for (int i = 0; i < streams; i++) {
                StreamResult started = new StreamResult(StreamResult.Kind.STARTED, streamId(i), 0,
                        "{\"processor\":\"uppercase\"}", "uppercase", null, null, "start-" + i,
                        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
                processor.send(mapping.toRecord(settings.kafka().resultsTopic(), started))
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    private static String streamId(int i) {
        return "tenant:stream-" + i;
    }

    private List<String> knownStreams() {
        return registry.sessions().stream().map(StreamSession::key).map(Object::toString).sorted().toList();
    }

    /** Counts the results of each stream the feed is shown; traces nothing. */
    private static class CountingReads extends NoSpans {

        final Map<String, Integer> reads = new ConcurrentHashMap<>();

        @Override
        public String recordFeed(String traceparent, String streamId, long producedAtMillis) {
            reads.merge(streamId, 1, Integer::sum);
            return null;
        }
    }

    /**
     * A key deserializer with which the first consumer built cannot read one stream's key, and every later one can: a
     * consumer failing at a record (as at a fetch's error) until it is replaced. Kafka builds it by class name, so
     * what it fails at is static.
     */
    public static final class KeyUnreadableByFirstConsumer implements Deserializer<String> {

        private static final AtomicReference<KeyUnreadableByFirstConsumer> first = new AtomicReference<>();
        private static final AtomicInteger failures = new AtomicInteger();
        private static volatile String unreadable;
        private final StringDeserializer keys = new StringDeserializer();

        public KeyUnreadableByFirstConsumer() {
            first.compareAndSet(null, this);
        }

        static void unreadable(String streamId) {
            unreadable = streamId;
            first.set(null);
            failures.set(0);
        }

        static int failures() {
            return failures.get();
        }

        @Override
        public String deserialize(String topic, byte[] data) {
            String key = keys.deserialize(topic, data);
            if (first.get() == this && key.equals(unreadable)) {
                failures.incrementAndGet();
                throw new SerializationException("Unreadable by this consumer: " + key);
            }
            return key;
        }
    }

    /** Holds the feed's thread at the first result it reads, until released; otherwise traces nothing. */
    private static final class HeldAtFirstResult extends NoSpans {

        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public String recordFeed(String traceparent, String streamId, long producedAtMillis) {
            reached.countDown();
            try {
                release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
    }

    /** A tracing that starts no spans; the tests' own say what the feed is shown. */
    private abstract static class NoSpans implements StreamTracing {

        @Override
        public Span startAppend(ContextView request, String streamId, int commands) {
            return Span.NONE;
        }

        @Override
        public Span startProcessing(String traceparent, String step, String streamId) {
            return Span.NONE;
        }

        @Override
        public Span startDelivery(String traceparent, String event) {
            return Span.NONE;
        }
    }
}
