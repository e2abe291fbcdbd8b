package io.streamgate.processing.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The engine's logs in memory, for its unit tests: partitions of commands, and what commits wrote (results in commit
 * order, the latest state of each stream, dead letters, and each partition's committed position), starts'
 * confirmations among the results as they come. A connection is given every partition, and reads each from its
 * committed position; a new connection (a processor taking over) restores from what is committed, as on Kafka. Tests
 * kill an engine by disposing of it: what it had not committed is lost, as when a processor dies.
 */
final class InMemoryProcessingLog implements ProcessingLog {

    private final List<List<StreamCommand>> partitions = new ArrayList<>();
    final List<StreamResult> results = new CopyOnWriteArrayList<>();
    final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    /** Partitions an engine has paused the reading of, and not resumed. */
    final Set<Integer> paused = ConcurrentHashMap.newKeySet();
    private final List<Map<String, StoredStream>> states = new ArrayList<>();
    private final long[] committed;
    private final List<Sinks.Many<LogEvent>> live = new CopyOnWriteArrayList<>();
    private long epochs;
    private volatile int commits;
    /** What a commit waits for before it writes: a test holds commits with a gate of its own. */
    volatile Mono<Void> commitGate = Mono.empty();
    /** Which commits wait for {@link #commitGate}: all of them unless a test picks some. */
    volatile Predicate<Transaction> gated = transaction -> true;
    /** What every write of start confirmations waits for; nothing unless a test sets it. */
    volatile Mono<Void> confirmationGate = Mono.empty();
    /** What every restore waits for before it reads; nothing unless a test sets it. */
    volatile Mono<Void> restoreGate = Mono.empty();
    /** Restores under way, and the most that have been at once. */
    final AtomicInteger restoresUnderWay = new AtomicInteger();
    final AtomicInteger mostRestoresAtOnce = new AtomicInteger();

    InMemoryProcessingLog(int partitionCount) {
        committed = new long[partitionCount];
        for (int partition = 0; partition < partitionCount; partition++) {
            partitions.add(new ArrayList<>());
            states.add(new HashMap<>());
        }
    }

    /** Appends a command to a partition, as a gateway would; connected engines read it at once. */
    synchronized long append(int partition, StreamCommand command) {
        List<StreamCommand> log = partitions.get(partition);
        long offset = log.size();
        log.add(command);
        for (Sinks.Many<LogEvent> connection : live) {
            connection.tryEmitNext(new LogEvent.Received(partition, epochs, offset, command, sizeOf(command)));
        }
        return offset;
    }

    private static int sizeOf(StreamCommand command) {
        return command.data() == null ? 0 : command.data().getBytes(StandardCharsets.UTF_8).length;
    }

    synchronized long committedOffset(int partition) {
        return committed[partition];
    }

    synchronized StoredStream state(int partition, String stream) {
        return states.get(partition).get(stream);
    }

    int commits() {
        return commits;
    }

    /** The results of one stream, in the order readers get them. */
    List<StreamResult> resultsOf(String stream) {
        return results.stream().filter(result -> result.streamId().equals(stream)).toList();
    }

    @Override
    public synchronized Connection connect() {
        long epoch = ++epochs;
        Sinks.Many<LogEvent> events = Sinks.many().unicast().onBackpressureBuffer();
        for (int partition = 0; partition < partitions.size(); partition++) {
            events.tryEmitNext(new LogEvent.Assigned(partition, epoch));
            List<StreamCommand> log = partitions.get(partition);
            for (long offset = committed[partition]; offset < log.size(); offset++) {
                events.tryEmitNext(new LogEvent.Received(partition, epoch, offset, log.get((int) offset),
                        sizeOf(log.get((int) offset))));
            }
        }
        live.add(events);
        return new Connection() {
            private volatile boolean closed;

            @Override
            public Flux<LogEvent> events() {
                return events.asFlux();
            }

            // Everything is read at once here; pauses are only noted.
            @Override
            public void pause(int partition) {
                paused.add(partition);
            }

            @Override
            public void resume(int partition) {
                paused.remove(partition);
            }

            @Override
            public Mono<Map<String, StoredStream>> restore(int partition) {
                return Mono.defer(() -> {
                    mostRestoresAtOnce.accumulateAndGet(restoresUnderWay.incrementAndGet(), Math::max);
                    return restoreGate;
                }).then(Mono.fromCallable(() -> {
                    synchronized (InMemoryProcessingLog.this) {
                        return Map.copyOf(states.get(partition));
                    }
                })).doOnTerminate(restoresUnderWay::decrementAndGet); // before the engine hears of its end
            }

            @Override
            public Mono<Void> commit(Transaction transaction) {
                Mono<Void> gate = Mono.defer(() -> gated.test(transaction) ? commitGate : Mono.empty());
                return gate.then(Mono.fromRunnable(() -> {
                    synchronized (InMemoryProcessingLog.this) {
                        if (closed || epochs != epoch) {
                            throw new IllegalStateException("fenced: a newer connection took over");
                        }
                        for (Transaction.PartitionOutcome outcome : transaction.partitions()) {
                            results.addAll(outcome.results());
                            states.get(outcome.partition()).putAll(outcome.states());
                            outcome.forgotten().forEach(states.get(outcome.partition())::remove);
                            deadLetters.addAll(outcome.deadLetters());
                            if (outcome.nextOffset() >= 0) {
                                committed[outcome.partition()] = outcome.nextOffset();
                            }
                        }
                        commits++;
                    }
                }));
            }

            @Override
            public Mono<Void> confirmStarts(List<StartConfirmation> confirmations) {
                return Mono.defer(() -> confirmationGate).then(Mono.fromRunnable(() -> {
                    synchronized (InMemoryProcessingLog.this) {
                        if (!closed && epochs == epoch) { // else no longer this connection's: left out, as on Kafka
                            confirmations.forEach(confirmation -> results.add(confirmation.started()));
                        }
                    }
                }));
            }

            @Override
            public void close() {
                closed = true;
                live.remove(events);
            }
        };
    }
}
