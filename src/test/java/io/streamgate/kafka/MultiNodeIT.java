package io.streamgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import io.streamgate.support.StreamClient;
import io.streamgate.support.StreamgateProcess;
import io.streamgate.support.TestThreads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.util.retry.Retry;

/**
 * Streamgate as a cluster on loopback (issue 6): a 3-broker KRaft cluster, two gateway processes and two processor
 * processes, each its own JVM. A client sends every request of a stream to the next gateway in turn, with no sticky
 * sessions (a stream started through one is sent to through the other at once), and reads through the other one.
 * One gateway and one processor are SIGKILLed mid-run: readers resume on the survivor with their last id, sends
 * cut off are retried there with their idempotency key, and every acknowledged chunk arrives once, in order.
 */
class MultiNodeIT {

    private static final int STREAMS = 4;
    private static final int CHUNKS_PER_STREAM = 100;
    @RegisterExtension
    static final KafkaCluster CLUSTER = new KafkaCluster();
    private static final List<StreamgateProcess> GATEWAYS = new ArrayList<>();
    private static final List<StreamgateProcess> PROCESSORS = new ArrayList<>();
    /** Gateways not killed, by index; requests go to them in turn. */
    private static final Set<Integer> ALIVE = ConcurrentHashMap.newKeySet();
    private static final List<StreamClient> CLIENTS = new ArrayList<>();

    @BeforeAll
    static void startNodes() {
        Map<String, String> common = Map.of(
                "streamgate.kafka.bootstrap-servers", CLUSTER.bootstrapServers(),
                "streamgate.kafka.requests-topic", "it.multi.requests",
                "streamgate.kafka.results-topic", "it.multi.results",
                "streamgate.kafka.processor-group", "it-multi-processor",
                "streamgate.kafka.partitions", "4",
                "streamgate.kafka.replication-factor", "3");
        List<CompletableFuture<StreamgateProcess>> starting = new ArrayList<>();
        for (int n = 1; n <= 2; n++) {
            starting.add(start("gateway-" + n, common, Map.of("streamgate.roles", "gateway")));
        }
        for (int n = 1; n <= 2; n++) {
            starting.add(start("processor-" + n, common,
                    Map.of("streamgate.roles", "processor", "streamgate.processor.instance-id", "multi-p" + n)));
        }
        List<StreamgateProcess> started = starting.stream().map(CompletableFuture::join).toList();
        GATEWAYS.addAll(started.subList(0, 2));
        PROCESSORS.addAll(started.subList(2, 4));
        for (int n = 0; n < GATEWAYS.size(); n++) {
            CLIENTS.add(new StreamClient(GATEWAYS.get(n).port()));
            ALIVE.add(n);
        }
        awaitProcessors();
    }

    /**
     * The processors have joined their group and taken their partitions: a start through one gateway is confirmed
     * (a start no processor confirms in time answers 503) and the other gateway knows the stream. On two shared
     * cores, with three brokers and four JVMs starting at once, that has taken from seconds to over half a minute.
     */
    private static void awaitProcessors() {
        long started = System.nanoTime();
        AtomicInteger attempts = new AtomicInteger();
        await("a start confirmed and known to both gateways").atMost(Duration.ofMinutes(2)).ignoreExceptions().until(() -> {
            String id = "multi-ready-" + attempts.incrementAndGet() + "-" + System.nanoTime();
            StreamClient.Answer start = CLIENTS.get(0).exchange(CLIENTS.get(0).http().post().uri("/stream/{id}/start", id));
            return start.status() == 201
                    && CLIENTS.get(1).exchange(CLIENTS.get(1).http().get().uri("/stream/{id}", id)).status() == 200;
        });
        System.out.printf("MultiNodeIT: processors ready after %d s (%d starts)%n",
                Duration.ofNanos(System.nanoTime() - started).toSeconds(), attempts.get());
    }

    private static CompletableFuture<StreamgateProcess> start(String name, Map<String, String> common,
                                                              Map<String, String> own) {
        Map<String, String> settings = new HashMap<>(common);
        settings.putAll(own);
        return CompletableFuture.supplyAsync(() -> StreamgateProcess.start(name, settings), TestThreads.BLOCKING);
    }

    @AfterAll
    static void stopNodes() {
        GATEWAYS.forEach(StreamgateProcess::close);
        PROCESSORS.forEach(StreamgateProcess::close);
    }

    /** One stream as its client saw it: the chunks answered 200 (in order) with their seqs. */
    private record SentStream(String id, List<Long> acknowledged, List<Integer> acknowledgedChunks,
                              Set<Integer> cutOff, CompletableFuture<List<ServerSentEvent<String>>> events) {
    }

    private final AtomicInteger turn = new AtomicInteger();
    private final AtomicInteger readerResumes = new AtomicInteger();

    /** The next live gateway's client, round robin. */
    private StreamClient next() {
        List<Integer> alive = List.copyOf(ALIVE);
        return CLIENTS.get(alive.get(Math.floorMod(turn.getAndIncrement(), alive.size())));
    }

    @Test
    void shouldServeAnyStreamFromAnyGatewayAndLoseNothingWhenAGatewayAndAProcessorDie() {
        StreamClient processorOnly = new StreamClient(PROCESSORS.get(1).port());
        assertThat(processorOnly.exchange(processorOnly.http().post().uri("/stream/start")).status())
                .as("a processor-only instance serves no stream API").isEqualTo(404);
        AtomicInteger acknowledgedInAll = new AtomicInteger();
        List<SentStream> streams = IntStream.range(0, STREAMS).mapToObj(n -> {
            String id = startUntilConfirmed("multi-" + n + "-" + System.nanoTime());
            // Readers on both gateways (half of them lose theirs), sends through both in turn, straight away.
            return new SentStream(id, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(),
                    ConcurrentHashMap.newKeySet(),
                    resumingReader(id, CLIENTS.get(n % CLIENTS.size())).collectList().toFuture());
        }).toList();

        List<CompletableFuture<Void>> senders = streams.stream().map(stream -> CompletableFuture.runAsync(() -> {
            for (int chunk = 0; chunk < CHUNKS_PER_STREAM; chunk++) {
                long seq = sendUntilAcknowledged(stream, chunk);
                stream.acknowledged().add(seq);
                stream.acknowledgedChunks().add(chunk);
                acknowledgedInAll.incrementAndGet();
            }
        }, TestThreads.BLOCKING)).toList();

        await("sends under way").atMost(StreamClient.TIMEOUT)
                .until(() -> acknowledgedInAll.get() >= STREAMS * CHUNKS_PER_STREAM / 3);
        ALIVE.remove(0);
        GATEWAYS.get(0).kill();
        PROCESSORS.get(0).kill();
        int acknowledgedAtKill = acknowledgedInAll.get();
        assertThat(acknowledgedAtKill).as("the kills came mid-run").isLessThan(STREAMS * CHUNKS_PER_STREAM);

        senders.forEach(CompletableFuture::join);
        streams.forEach(stream -> next().end(stream.id()));

        assertThat(readerResumes.get()).as("the readers of the killed gateway resumed on the other")
                .isGreaterThanOrEqualTo(STREAMS / 2);
        int delivered = 0;
        int retried = 0;
        int duplicates = 0;
        for (SentStream stream : streams) {
            List<ServerSentEvent<String>> events = stream.events().join();
            assertThat(events.get(events.size() - 1).event()).isEqualTo("end");
            List<ServerSentEvent<String>> results = events.subList(0, events.size() - 1);
            List<Long> ids = results.stream().map(event -> Long.parseLong(event.id())).toList();
            assertThat(ids).as("stream %s: no event twice, in order", stream.id()).isSorted().doesNotHaveDuplicates();
            List<Long> seqs = results.stream().map(event -> StreamClient.json(event.data()).get("seq").longValue()).toList();
            assertThat(seqs).as("stream %s: no result twice, in order", stream.id()).isSorted().doesNotHaveDuplicates();
            assertThat(results).as("stream %s: every event a result", stream.id())
                    .allMatch(event -> "result".equals(event.event()));
            Map<Long, String> dataBySeq = new HashMap<>();
            results.forEach(event -> dataBySeq.put(StreamClient.json(event.data()).get("seq").longValue(),
                    StreamClient.json(event.data()).get("data").stringValue()));
            for (int i = 0; i < stream.acknowledged().size(); i++) {
                assertThat(dataBySeq.get(stream.acknowledged().get(i))).as("stream %s: acknowledged chunk %d",
                        stream.id(), stream.acknowledgedChunks().get(i))
                        .isEqualTo("CHUNK " + stream.acknowledgedChunks().get(i));
            }
            // A send cut off by the kill may have been stored: its retry on the other gateway is recognised by its
            // key only once the first attempt's result is through the processor, which was killed too. So a chunk
            // may be stored twice, and only such a chunk (README, Guarantees).
            Map<String, Integer> copies = new HashMap<>();
            dataBySeq.values().forEach(data -> copies.merge(data, 1, Integer::sum));
            copies.forEach((data, count) -> assertThat(count <= 1
                    || stream.cutOff().contains(Integer.parseInt(data.substring("CHUNK ".length()))))
                    .as("stream %s: %s stored %d times, but its send was never cut off", stream.id(), data, count)
                    .isTrue());
            assertThat(copies).as("stream %s: every chunk", stream.id()).hasSize(CHUNKS_PER_STREAM);
            delivered += results.size();
            duplicates += results.size() - copies.size();
            retried += stream.cutOff().size();
        }
        System.out.printf("MultiNodeIT: %d chunks acknowledged (%d before a gateway and a processor were killed),"
                        + " %d sends cut off and retried on the surviving gateway, %d of them stored twice; %d results"
                        + " delivered across %d reader resumes; 0 lost, 0 results delivered twice%n",
                acknowledgedInAll.get(), acknowledgedAtKill, retried, duplicates, delivered, readerResumes.get());
    }

    /**
     * Starts {@code id} through the next gateway as the API tells a client to: a start no processor confirmed in time
     * (503 start-not-confirmed) is stored, and is retried with the same id until it answers 201, or 409 once open.
     */
    private String startUntilConfirmed(String id) {
        await("start of " + id + " confirmed").atMost(Duration.ofMinutes(2)).until(() -> {
            StreamClient client = next();
            int status = client.exchange(client.http().post().uri("/stream/{id}/start", id)).status();
            assertThat(status).as("start of %s", id).isIn(201, 409, 503);
            return status != 503;
        });
        return id;
    }

    /**
     * Sends a chunk to the next gateway; a send that fails (its gateway died, or was cut off) goes to the next one
     * with the same idempotency key, as a client that cannot know whether it was stored must do.
     */
    private long sendUntilAcknowledged(SentStream stream, int chunk) {
        String key = "chunk-" + chunk;
        long deadline = System.nanoTime() + StreamClient.TIMEOUT.toNanos();
        while (true) {
            try {
                StreamClient.Answer answer = next().trySend(stream.id(), "chunk " + chunk, key);
                if (answer.status() == 200) {
                    return answer.body().get("seq").longValue();
                }
                assertThat(answer.status()).as("only Kafka or the gateway being away may refuse a send: %s",
                        answer.body()).isIn(502, 503);
            } catch (RuntimeException connectionLost) {
                stream.cutOff().add(chunk); // the gateway died under the request: stored or not, nobody knows
            }
            assertThat(System.nanoTime()).as("chunk %d of %s acknowledged in time", chunk, stream.id())
                    .isLessThan(deadline);
        }
    }

    /** A reader that, when its gateway goes away, reconnects to the next one with the last id it got. */
    private Flux<ServerSentEvent<String>> resumingReader(String id, StreamClient first) {
        AtomicReference<String> lastEventId = new AtomicReference<>();
        AtomicReference<StreamClient> gateway = new AtomicReference<>(first);
        return Flux.defer(() -> {
                    StreamClient client = gateway.getAndSet(null);
                    if (client == null) { // its gateway went away: the next live one, from the last id it got
                        readerResumes.incrementAndGet();
                        client = next();
                    }
                    return client.events(id, lastEventId.get());
                })
                .doOnNext(event -> {
                    if (event.id() != null) {
                        lastEventId.set(event.id());
                    }
                })
                .retryWhen(Retry.fixedDelay(100, Duration.ofMillis(200)))
                .repeat()
                .takeUntil(event -> "end".equals(event.event()));
    }
}
