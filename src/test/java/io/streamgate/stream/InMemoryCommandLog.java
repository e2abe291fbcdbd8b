package io.streamgate.stream;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.streamgate.processing.engine.StreamCommand;
import io.streamgate.processing.engine.StreamResult;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link CommandLog} for unit tests of the stream logic: numbers commands like a single partition would and
 * feeds each through {@link SynchronousProcessing} into the registry, as the processors and results feed do (into every
 * registry that {@link #alsoFeed} added, as each gateway's results feed would), numbering results as the results log
 * would, each with the time it was written (a Kafka record's timestamp); {@link #holdResultsFrom} holds them back from
 * one. Integration tests use a real broker instead.
 */
final class InMemoryCommandLog implements CommandLog {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    final List<StreamCommand> appended = new CopyOnWriteArrayList<>();
    /** When each of {@link #appended} was stored, by the clock given (a Kafka record's timestamp). */
    private final List<Long> appendedAt = new CopyOnWriteArrayList<>();
    /** Positions of retries whose first copy came before them: processors pass them over. */
    private final Set<Long> passedOver = ConcurrentHashMap.newKeySet();
    final List<StreamResult> results = new CopyOnWriteArrayList<>();
    /** When each of {@link #results} was written, by the clock given. */
    private final List<Long> writtenAt = new CopyOnWriteArrayList<>();
    private final Clock clock;
    private final AtomicLong nextOffset = new AtomicLong();
    private final SynchronousProcessing processor;
    private final List<StreamRegistry> registries = new CopyOnWriteArrayList<>();
    /** Registries fed nothing for now, each with the position of the first result held from it. */
    private final Map<StreamRegistry, Integer> heldFrom = new ConcurrentHashMap<>();
    private int processed;
    private volatile RuntimeException failure;
    private volatile RuntimeException failureOfTheStoredChunk;
    private volatile Sinks.Empty<Void> chunkGate;
    private volatile boolean processing = true;

    InMemoryCommandLog(SynchronousProcessing processor, StreamRegistry registry, Clock clock) {
        this.processor = processor;
        this.clock = clock;
        this.registries.add(registry);
    }

    /** Another gateway's registry, fed every result from now on. */
    void alsoFeed(StreamRegistry registry) {
        registries.add(registry);
    }

    /** Feeds {@code registry} nothing more until {@link #feedHeldResults}, as a gateway whose results feed is behind. */
    synchronized void holdResultsFrom(StreamRegistry registry) {
        heldFrom.putIfAbsent(registry, results.size());
    }

    /** Feeds {@code registry} every result held from it, in order, and every result from now on. */
    synchronized void feedHeldResults(StreamRegistry registry) {
        for (int position = heldFrom.remove(registry); position < results.size(); position++) {
            registry.apply(results.get(position), position, writtenAt(position));
        }
    }

    /** When the result at {@code position} was written. */
    long writtenAt(int position) {
        return writtenAt.get(position);
    }

    /** Fails every later command but chunks (held or not); null to stop failing. */
    void failWith(RuntimeException failure) {
        this.failure = failure;
    }

    /**
     * Stores the next chunk appended, and fails its append with {@code failure}, as Kafka's producer that gave up
     * waiting for a write a broker took.
     */
    void storeNextChunkButFail(RuntimeException failure) {
        failureOfTheStoredChunk = failure;
    }

    /** Stores commands but processes none of them, as when no processor is running. */
    void stopProcessing() {
        processing = false;
    }

    /** Processes, in log order, what was stored while processing was stopped, and every command from now on. */
    synchronized void resumeProcessing() {
        processing = true;
        processStored();
    }

    /** Keeps chunk appends in flight (not yet in the log) until {@link #releaseChunks()}. */
    void holdChunks() {
        chunkGate = Sinks.empty();
    }

    void releaseChunks() {
        chunkGate.tryEmitEmpty();
    }

    @Override
    public Mono<Long> append(StreamCommand command) {
        Sinks.Empty<Void> gate = chunkGate;
        if (gate != null && command.kind() == StreamCommand.Kind.CHUNK) {
            return gate.asMono().then(Mono.fromCallable(() -> store(command)));
        }
        RuntimeException storedButFailed = failureOfTheStoredChunk;
        if (storedButFailed != null && command.kind() == StreamCommand.Kind.CHUNK) {
            failureOfTheStoredChunk = null;
            return Mono.fromCallable(() -> store(command)).then(Mono.error(storedButFailed));
        }
        return Mono.defer(() -> failure != null ? Mono.<Long>error(failure) : Mono.fromCallable(() -> store(command)));
    }

    /** Stores the start, and feeds its STARTED to the registries at once, as the results log would have it. */
    @Override
    public Mono<Long> appendAnnounced(StreamCommand start) {
        return Mono.defer(() -> failure != null ? Mono.<Long>error(failure) : Mono.fromCallable(() -> {
            publish(StreamResult.announcing(start, JSON));
            return store(start.asAnnounced());
        }));
    }

    /** Stores the retry, and answers the first copy of its key since {@code since}, as the Kafka adapter does. */
    @Override
    public Mono<Long> appendRetry(StreamCommand chunk, long since) {
        return Mono.defer(() -> failure != null ? Mono.<Long>error(failure) : Mono.fromCallable(() -> storeRetry(chunk,
                since)));
    }

    private synchronized long storeRetry(StreamCommand chunk, long since) {
        for (int offset = 0; offset < appended.size(); offset++) {
            StreamCommand earlier = appended.get(offset);
            if (appendedAt.get(offset) >= since && earlier.isCopyOf(chunk)) {
                passedOver.add(nextOffset.get());
                store(chunk);
                return offset;
            }
        }
        return store(chunk);
    }

    private synchronized long store(StreamCommand command) {
        long offset = nextOffset.getAndIncrement();
        appendedAt.add(clock.millis());
        appended.add(command);
        if (processing) {
            processStored();
        }
        return offset;
    }

    private void processStored() {
        for (; processed < appended.size(); processed++) {
            if (passedOver.contains((long) processed)) {
                continue;
            }
            for (StreamResult result : processor.process(appended.get(processed), processed)) {
                publish(result);
            }
        }
    }

    /** Writes {@code result} to the results log once more, as a processor that replayed the step that wrote it does. */
    void publishAgain(StreamResult result) {
        publish(result);
    }

    /** Appends a result to the results log and feeds it to every registry not held back. */
    private synchronized void publish(StreamResult result) {
        long position = results.size();
        long now = clock.millis();
        results.add(result);
        writtenAt.add(now);
        registries.stream().filter(registry -> !heldFrom.containsKey(registry))
                .forEach(registry -> registry.apply(result, position, now));
    }
}
