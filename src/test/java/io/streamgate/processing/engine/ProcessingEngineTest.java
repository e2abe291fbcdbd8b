package io.streamgate.processing.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;

import io.streamgate.processing.Chunk;
import io.streamgate.processing.Output;
import io.streamgate.processing.ProcessorCatalog;
import io.streamgate.processing.StreamContext;
import io.streamgate.processing.StreamProcessor;
import io.streamgate.processing.builtin.SplitProcessor;
import io.streamgate.processing.builtin.UppercaseProcessor;
import io.streamgate.processing.builtin.WordCountProcessor;
import io.streamgate.tracing.StreamTracing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * The engine on in-memory logs: order, concurrency, state, exactly-once across a takeover, failures, timers. A takeover
 * is an engine disposed of (what it did not commit is lost) and a new one on a new connection.
 */
class ProcessingEngineTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A processor's room for its streams' states, past anything these tests' steps leave but where said. */
    private static final long ROOM_FOR_ANY_STATE = 1L << 30;

    /** Gates a test opens to let the {@code gated} processor's outputs go, one gate per output. */
    private final Map<String, Sinks.One<String>> gates = new ConcurrentHashMap<>();
    private final AtomicInteger poisonAttempts = new AtomicInteger();
    private final InMemoryProcessingLog log = new InMemoryProcessingLog(2);
    private final ProcessorCatalog catalog = new ProcessorCatalog(List.of(new UppercaseProcessor(),
            new WordCountProcessor(), new SplitProcessor(), gated(), poison(), ticker(), summary(), thread(false),
            thread(true), hoard(), counting(), quiet()), "uppercase");
    /** Outputs the {@code counting} processor has made. */
    private final AtomicInteger outputsMade = new AtomicInteger();
    /** Calls of the {@code quiet} processor. */
    private final AtomicInteger quietCalls = new AtomicInteger();
    /** The streams of the commands the engine has read, in the order it told of them. */
    private final List<String> commandsRead = new CopyOnWriteArrayList<>();
    private final StreamActivity activity = commandsRead::add;
    private Disposable engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.dispose();
        }
    }

    @Test
    void shouldDeliverEveryOutputOfEachChunkInOrderAndCommitWhereItIsDone() {
        start(settings(4));
        log.append(0, StreamCommand.start("s1", "split", Map.of(), "a"));
        log.append(0, StreamCommand.chunk("s1", "split", "one two three", null));
        log.append(0, StreamCommand.chunk("s1", "split", "four", null));
        log.append(0, StreamCommand.end("s1", "client"));

        await().atMost(WAIT).until(() -> log.committedOffset(0) == 4);
        assertThat(log.resultsOf("s1")).extracting(StreamResult::kind, StreamResult::json).containsExactly(
                tuple(StreamResult.Kind.STARTED, "{\"processor\":\"split\"}"),
                tuple(StreamResult.Kind.RESULT, "{\"seq\":1,\"data\":\"one\"}"),
                tuple(StreamResult.Kind.RESULT, "{\"seq\":1,\"data\":\"two\"}"),
                tuple(StreamResult.Kind.RESULT, "{\"seq\":1,\"data\":\"three\"}"),
                tuple(StreamResult.Kind.RESULT, "{\"seq\":2,\"data\":\"four\"}"),
                tuple(StreamResult.Kind.ENDED, "{\"reason\":\"client\"}"));
    }

    /**
     * The owner's idle expiry counts from the commands its processor reads, not only from the results: a chunk of a
     * filter that matches nothing yields none, yet its stream is being sent to.
     */
    @Test
    void shouldTellOfEveryCommandItReadsAlsoThoseThatYieldNoResult() {
        start(settings(4));
        log.append(0, StreamCommand.start("s1", "gated", Map.of(), "a"));
        log.append(1, StreamCommand.start("s2", "uppercase", Map.of(), "b"));
        log.append(0, StreamCommand.chunk("s1", "gated", "held at its gate", null));
        log.append(1, StreamCommand.chunk("s2", "uppercase", "two", null));

        await().atMost(WAIT).untilAsserted(() -> assertThat(commandsRead).as("the streams of the commands read")
                .containsExactlyInAnyOrder("s1", "s2", "s1", "s2"));
        assertThat(log.resultsOf("s1")).as("results of s1, whose chunk is still at its gate")
                .extracting(StreamResult::kind).containsExactly(StreamResult.Kind.STARTED);
    }

    @Test
    void shouldLetAnotherStreamOfThePartitionOvertakeASlowOne() {
        start(settings(4));
        log.append(0, StreamCommand.start("slow", "gated", Map.of(), "a"));
        log.append(0, StreamCommand.chunk("slow", "gated", "held", null));
        log.append(0, StreamCommand.start("fast", "uppercase", Map.of(), "b"));
        log.append(0, StreamCommand.chunk("fast", "uppercase", "quick", null));

        await().atMost(WAIT).until(() -> log.resultsOf("fast").size() == 2);
        assertThat(log.resultsOf("slow")).extracting(StreamResult::kind).containsExactly(StreamResult.Kind.STARTED);
        assertThat(log.committedOffset(0)).as("not past the slow stream's chunk").isEqualTo(1);

        open("held#1");
        await().atMost(WAIT).until(() -> log.committedOffset(0) == 4);
        assertThat(log.resultsOf("slow")).extracting(StreamResult::json).last().isEqualTo("{\"seq\":1,\"data\":\"held#1\"}");
    }

    @Test
    void shouldRunAtMostTheConfiguredNumberOfStreamsOfAPartitionAtOnce() {
        start(settings(1));
        log.append(0, StreamCommand.chunk("slow", "gated", "held", null));
        log.append(0, StreamCommand.chunk("waiting", "uppercase", "after", null));

        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> log.resultsOf("waiting").isEmpty());
        open("held#1");
        await().atMost(WAIT).until(() -> log.resultsOf("waiting").size() == 1);
    }

    @Test
    void shouldHoldNoMoreCommandsThanItsRoomWhileANewStreamsConfirmationIsOnItsWay() {
        AtomicInteger steps = startCountingSteps(
                new EngineSettings(4, WAIT, 0, Duration.ZERO, 20, 1 << 20, ROOM_FOR_ANY_STATE));
        Sinks.Empty<Void> confirmed = Sinks.empty();
        log.confirmationGate = confirmed.asMono();

        log.append(0, StreamCommand.start("s1", "uppercase", Map.of(), "a"));
        for (int n = 1; n <= 100; n++) {
            log.append(0, StreamCommand.chunk("s1", "uppercase", "chunk " + n, null));
        }
        // What the new stream does waits in memory for its confirmation, and keeps its room until it is committed.
        await().atMost(WAIT).until(() -> steps.get() >= 20);
        await().during(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() ->
                assertThat(steps.get()).as("commands done while the confirmation was held").isEqualTo(20));

        log.confirmationGate = Mono.empty();
        confirmed.tryEmitEmpty();
        awaitCommitted(0, 101, "s1");
        assertThat(log.resultsOf("s1")).as("results, each once").hasSize(101).doesNotHaveDuplicates();
    }

    @Test
    void shouldPauseReadingAPartitionPastItsShareOfPendingBytesAndResumeItOnceItIsDone() {
        // 2 partitions: 10 bytes each
        start(new EngineSettings(4, WAIT, 0, Duration.ZERO, 1000, 20, ROOM_FOR_ANY_STATE));
        // Once "other" is done, the engine has both partitions: a share is counted against the partitions assigned
        // when a command arrives, and an engine that connected after the appends would read partition 0 alone first.
        log.append(1, StreamCommand.chunk("other", "uppercase", "four", null));
        await().atMost(WAIT).until(() -> log.resultsOf("other").size() == 1);
        log.append(0, StreamCommand.chunk("slow", "gated", "held", null));
        log.append(0, StreamCommand.chunk("slow", "gated", "next", null));
        log.append(0, StreamCommand.chunk("slow", "gated", "last", null));

        await().atMost(WAIT).until(() -> log.paused.equals(Set.of(0)));
        open("held#1");
        open("next#1");
        open("last#1");
        await().atMost(WAIT).until(() -> log.committedOffset(0) == 3);
        assertThat(log.paused).as("partitions still paused").isEmpty();
    }

    @Test
    void shouldHoldNoMoreCommandsThanItsRoomWhileACommitIsUnderWay() {
        AtomicInteger steps = startCountingSteps(
                new EngineSettings(4, WAIT, 0, Duration.ZERO, 20, 1 << 20, ROOM_FOR_ANY_STATE));
        log.append(0, StreamCommand.start("s1", "uppercase", Map.of(), "a"));
        awaitCommitted(0, 1, "s1");
        int before = steps.get();
        Sinks.Empty<Void> commitDone = Sinks.empty();
        log.commitGate = commitDone.asMono();

        for (int n = 1; n <= 100; n++) {
            log.append(0, StreamCommand.chunk("s1", "uppercase", "chunk " + n, null));
        }
        // Done commands keep their room until their transaction commits: with that one held, 20 run, and no more.
        await().atMost(WAIT).until(() -> steps.get() - before >= 20);
        await().during(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() ->
                assertThat(steps.get() - before).as("chunks done while a commit was held").isEqualTo(20));

        log.commitGate = Mono.empty();
        commitDone.tryEmitEmpty();
        awaitCommitted(0, 101, "s1");
        assertThat(log.resultsOf("s1")).as("results, each once").hasSize(101).doesNotHaveDuplicates();
    }

    @Test
    void shouldRefuseASecondStartOfAnOpenStreamAndKeepItsState() {
        start(settings(4));
        log.append(0, StreamCommand.start("s1", "wordcount", Map.of(), "first"));
        log.append(0, StreamCommand.chunk("s1", "wordcount", "one two", null));
        log.append(0, StreamCommand.start("s1", "wordcount", Map.of(), "second"));
        log.append(0, StreamCommand.chunk("s1", "wordcount", "three", null));

        await().atMost(WAIT).until(() -> log.committedOffset(0) == 4);
        List<StreamResult> results = log.resultsOf("s1");
        assertThat(results).extracting(StreamResult::kind).containsExactly(StreamResult.Kind.STARTED,
                StreamResult.Kind.RESULT, StreamResult.Kind.START_REFUSED, StreamResult.Kind.RESULT);
        assertThat(results.get(2).startId()).isEqualTo("second");
        assertThat(results.get(3).json()).as("counts go on from the first start").contains("\"chunks\":2", "\"words\":3");
    }

    @Test
    void shouldConfirmANewStreamsStartWithoutWaitingForTheCommitThatRecordsIt() {
        Sinks.Empty<Void> commits = Sinks.empty();
        holdCommitsOf("s1", commits.asMono());
        start(settings(4));
        log.append(0, StreamCommand.start("s1", "uppercase", Map.of(), "a"));

        await().atMost(WAIT).untilAsserted(() -> assertThat(log.resultsOf("s1"))
                .extracting(StreamResult::kind, StreamResult::startId)
                .containsExactly(tuple(StreamResult.Kind.STARTED, "a")));
        assertThat(log.state(0, "s1")).as("what the start did, while its commit is held").isNull();

        commits.tryEmitEmpty();
        awaitCommitted(0, 1, "s1");
        assertThat(log.state(0, "s1").isOpen()).as("the stream open once the commit is through").isTrue();
        assertThat(log.resultsOf("s1")).as("confirmed once").hasSize(1);
    }

    @Test
    void shouldRecordAnAnnouncedStartsStartedInItsTransactionWithoutAWriteOfItsOwnAhead() {
        log.confirmationGate = Mono.never(); // a confirmation written ahead would hold the stream's commits for good
        start(settings(4));
        log.append(0, StreamCommand.start("s1", "uppercase", Map.of(), "a").asAnnounced());
        log.append(0, StreamCommand.chunk("s1", "uppercase", "x", null));

        awaitCommitted(0, 2, "s1");
        assertThat(log.resultsOf("s1")).as("the repeated STARTED in the transaction, before what the stream did")
                .extracting(StreamResult::kind, StreamResult::startId)
                .containsExactly(tuple(StreamResult.Kind.STARTED, "a"), tuple(StreamResult.Kind.RESULT, null));
    }

    @Test
    void shouldConfirmAStartOfAStreamItHasSeenOnlyInTheCommitAfterWhatCameBefore() {
        Sinks.Empty<Void> commits = Sinks.empty();
        holdCommitsOf("s1", commits.asMono());
        AtomicInteger steps = startCountingSteps(settings(4));
        log.append(0, StreamCommand.start("s1", "uppercase", Map.of(), "a"));
        log.append(0, StreamCommand.end("s1", "client"));
        log.append(0, StreamCommand.start("s1", "uppercase", Map.of(), "b"));

        await().atMost(WAIT).until(() -> steps.get() == 3);
        assertThat(log.resultsOf("s1")).as("with the commit held, only the first start's confirmation")
                .extracting(StreamResult::kind, StreamResult::startId)
                .containsExactly(tuple(StreamResult.Kind.STARTED, "a"));

        awaitSecondStartAfterTheEnd(commits);
    }

    @Test
    void shouldCommitWhatAStartDidOnlyAfterItsConfirmationWhenItStartedWhileOthersWereConfirmed() {
        Sinks.Empty<Void> confirmed = Sinks.empty();
        log.confirmationGate = confirmed.asMono();
        AtomicInteger steps = startCountingSteps(settings(4));
        log.append(0, StreamCommand.start("s1", "uppercase", Map.of(), "a"));
        await().atMost(WAIT).until(() -> steps.get() == 1); // s1's confirmation on its way, and held
        log.append(0, StreamCommand.start("s2", "uppercase", Map.of(), "b"));
        log.append(0, StreamCommand.chunk("s2", "uppercase", "x", null));
        await().atMost(WAIT).until(() -> steps.get() == 3);

        log.confirmationGate = Mono.empty();
        confirmed.tryEmitEmpty();
        awaitCommitted(0, 3, "s2");
        assertThat(log.resultsOf("s2")).as("s2's start confirmed before what came after it is committed")
                .extracting(StreamResult::kind).containsExactly(StreamResult.Kind.STARTED, StreamResult.Kind.RESULT);
    }

    @Test
    void shouldCommitOtherStreamsWhileAStartIsConfirmedButNothingOfTheNewStreamNorPastItsStart() {
        AtomicInteger steps = startCountingSteps(settings(4));
        log.append(0, StreamCommand.start("s0", "uppercase", Map.of(), "a"));
        awaitCommitted(0, 1, "s0");
        Sinks.Empty<Void> confirmed = Sinks.empty();
        log.confirmationGate = confirmed.asMono();
        log.append(0, StreamCommand.start("s1", "uppercase", Map.of(), "b"));
        log.append(0, StreamCommand.chunk("s0", "uppercase", "x", null));
        log.append(0, StreamCommand.chunk("s1", "uppercase", "y", null));
        await().atMost(WAIT).until(() -> steps.get() == 4);

        await().atMost(WAIT).untilAsserted(() -> assertThat(log.resultsOf("s0")).as("s0 goes on")
                .extracting(StreamResult::kind).containsExactly(StreamResult.Kind.STARTED, StreamResult.Kind.RESULT));
        assertThat(log.resultsOf("s1")).as("nothing of s1 while its confirmation is on its way").isEmpty();
        assertThat(log.state(0, "s1")).as("s1's state, while its confirmation is on its way").isNull();
        assertThat(log.committedOffset(0)).as("the position, kept at s1's start").isEqualTo(1);

        log.confirmationGate = Mono.empty();
        confirmed.tryEmitEmpty();
        awaitCommitted(0, 4, "s1");
        assertThat(log.resultsOf("s1")).extracting(StreamResult::kind)
                .containsExactly(StreamResult.Kind.STARTED, StreamResult.Kind.RESULT);
    }

    @Test
    void shouldConfirmANewStartOfAStreamForgottenInTheTransactionUnderWayOnlyOnceItCommits() {
        Sinks.Empty<Void> commits = Sinks.empty();
        AtomicBoolean forgetting = new AtomicBoolean();
        log.gated = transaction -> {
            boolean forgets = transaction.partitions().stream().anyMatch(outcome -> outcome.forgotten().contains("s1"));
            forgetting.compareAndSet(false, forgets);
            return forgets;
        };
        log.commitGate = commits.asMono();
        AtomicInteger steps = startCountingSteps(settings(4));
        log.append(0, StreamCommand.start("s1", "uppercase", Map.of(), "a"));
        log.append(0, StreamCommand.end("s1", "client"));
        await().atMost(WAIT).until(forgetting::get);
        log.append(0, StreamCommand.start("s1", "uppercase", Map.of(), "b"));
        await().atMost(WAIT).until(() -> steps.get() == 3);

        assertThat(log.resultsOf("s1")).as("while the transaction that forgets s1 is held")
                .extracting(StreamResult::startId).doesNotContain("b");

        awaitSecondStartAfterTheEnd(commits);
    }

    @Test
    void shouldConfirmAStartAgainWhenItsProcessorDiesBeforeCommittingIt() {
        holdCommitsOf("s1", Mono.never());
        start(settings(4));
        log.append(0, StreamCommand.start("s1", "uppercase", Map.of(), "a"));
        await().atMost(WAIT).until(() -> log.resultsOf("s1").size() == 1);

        log.commitGate = Mono.empty();
        takeOver(); // replays the start, which nothing committed: the same decision, confirmed again
        log.append(0, StreamCommand.chunk("s1", "uppercase", "after", null));
        log.append(0, StreamCommand.end("s1", "client"));

        awaitCommitted(0, 3, "s1");
        assertThat(log.resultsOf("s1")).extracting(StreamResult::kind, StreamResult::startId).containsExactly(
                tuple(StreamResult.Kind.STARTED, "a"), tuple(StreamResult.Kind.STARTED, "a"),
                tuple(StreamResult.Kind.RESULT, null), tuple(StreamResult.Kind.ENDED, null));
    }

    @Test
    void shouldCarryAStreamsStateOverToTheProcessorThatTakesItsPartitionOver() {
        start(settings(4));
        log.append(1, StreamCommand.start("count", "wordcount", Map.of(), "a"));
        for (int chunk = 0; chunk < 10; chunk++) {
            log.append(1, StreamCommand.chunk("count", "wordcount", "three words each", null));
        }
        await().atMost(WAIT).until(() -> log.committedOffset(1) == 11);
        takeOver();
        for (int chunk = 0; chunk < 10; chunk++) {
            log.append(1, StreamCommand.chunk("count", "wordcount", "three words each", null));
        }

        await().atMost(WAIT).until(() -> log.committedOffset(1) == 21);
        assertThat(log.resultsOf("count")).hasSize(21).last().extracting(StreamResult::json).asString()
                .contains("\"chunks\":20", "\"words\":60");
    }

    @Test
    void shouldDeliverEachOutputOnceWhenItsProcessorDiesMidChunk() {
        start(settings(4));
        log.append(0, StreamCommand.chunk("drip", "gated", "three", null));
        open("three#1");
        await().atMost(WAIT).until(() -> log.resultsOf("drip").size() == 1);
        assertThat(log.committedOffset(0)).as("the chunk is under way").isZero();

        takeOver(); // replays the chunk: its first output is passed over, the rest delivered as they come
        open("three#1");
        open("three#2");
        open("three#3");
        await().atMost(WAIT).until(() -> log.committedOffset(0) == 1);
        assertThat(log.resultsOf("drip")).extracting(StreamResult::json).containsExactly(
                "{\"seq\":0,\"data\":\"three#1\"}", "{\"seq\":0,\"data\":\"three#2\"}", "{\"seq\":0,\"data\":\"three#3\"}");
    }

    @Test
    void shouldSkipWhatAStreamCompletedWhenItsPartitionIsReplayed() {
        start(settings(4));
        log.append(0, StreamCommand.chunk("slow", "gated", "held", null));
        log.append(0, StreamCommand.chunk("fast", "uppercase", "done already", null));
        await().atMost(WAIT).until(() -> log.resultsOf("fast").size() == 1);

        takeOver(); // the partition is committed only up to the slow chunk: the fast one is read again
        open("held#1");
        await().atMost(WAIT).until(() -> log.committedOffset(0) == 2);
        assertThat(log.resultsOf("fast")).as("once").hasSize(1);
        assertThat(log.resultsOf("slow")).hasSize(1);
    }

    @Test
    void shouldRetryThenAnswerAnErrorAndDeadLetterAChunkThatKeepsFailing() {
        start(new EngineSettings(4, WAIT, 2, Duration.ofMillis(10), 1000, 1 << 20, ROOM_FOR_ANY_STATE));
        log.append(0, StreamCommand.chunk("p", "poison", "fine", null));
        log.append(0, StreamCommand.chunk("p", "poison", "poison pill", null));
        log.append(0, StreamCommand.chunk("p", "poison", "fine again", null));

        await().atMost(WAIT).until(() -> log.committedOffset(0) == 3);
        assertThat(log.resultsOf("p")).extracting(StreamResult::json).containsExactly(
                "{\"seq\":0,\"data\":\"fine\"}",
                "{\"seq\":1,\"data\":\"\",\"error\":\"processing failed: IllegalArgumentException\"}",
                "{\"seq\":2,\"data\":\"fine again\"}");
        assertThat(poisonAttempts).hasValue(3);
        assertThat(log.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.streamId()).isEqualTo("p");
            assertThat(letter.seq()).isEqualTo(1);
            assertThat(letter.data()).isEqualTo("poison pill");
            assertThat(letter.error()).contains("poison");
            assertThat(letter.attempts()).isEqualTo(3);
        });
    }

    /**
     * A state of "held" and 200 characters counts 536 bytes ({@link StateRoom#bytesOf}), 10 characters 156: in a room
     * of 1,000 one of 200 fits beside another, two do not. What an ended stream held is room again once it is
     * forgotten; a processor taking over counts what it restores, and one that stops lets it all go.
     */
    @Test
    void shouldFailAStepThatWouldTakeTheStatesPastTheProcessorsRoomAndCountWhatIsForgottenRestoredAndLetGo() {
        AtomicReference<LongSupplier> held = new AtomicReference<>();
        ProcessingMetrics gauged = new ProcessingMetrics() {
            @Override
            public void stateHeld(LongSupplier bytes) {
                held.set(bytes);
            }
        };
        EngineSettings room = new EngineSettings(4, WAIT, 0, Duration.ZERO, 1000, 1 << 20, 1_000);
        start(room, gauged);
        log.append(0, StreamCommand.start("a", "hoard", Map.of(), "a"));
        log.append(0, StreamCommand.chunk("a", "hoard", "a".repeat(200), null));
        awaitCommitted(0, 2, "a");
        log.append(1, StreamCommand.start("b", "hoard", Map.of(), "b"));
        log.append(1, StreamCommand.chunk("b", "hoard", "b".repeat(200), null));
        log.append(1, StreamCommand.chunk("b", "hoard", "b".repeat(10), null));
        awaitCommitted(1, 3, "b");

        assertThat(log.resultsOf("b")).as("each output as it was emitted, then the error of the step that failed")
                .extracting(StreamResult::json).containsExactly("{\"processor\":\"hoard\"}",
                "{\"seq\":1,\"data\":\"held 200\"}", "{\"seq\":1,\"data\":\"\",\"error\":\"processing failed: the stream's state would take the"
                        + " processor's streams' states to 1072 bytes, more than the 1000 they may take"
                        + " (max-state-bytes)\"}",
                "{\"seq\":2,\"data\":\"held 10\"}");
        assertThat(held.get().getAsLong()).isEqualTo(536 + 156);

        log.append(0, StreamCommand.end("a", "client"));
        await().atMost(WAIT).until(() -> held.get().getAsLong(), bytes -> bytes == 156); // "a" forgotten
        log.append(1, StreamCommand.chunk("b", "hoard", "b".repeat(200), null));
        awaitCommitted(1, 4, "b");
        assertThat(log.resultsOf("b")).extracting(StreamResult::json).last()
                .isEqualTo("{\"seq\":3,\"data\":\"held 210\"}");
        assertThat(held.get().getAsLong()).isEqualTo(556);

        LongSupplier stopped = held.get();
        engine.dispose();
        await().atMost(WAIT).until(stopped::getAsLong, bytes -> bytes == 0);
        start(room, gauged);
        await().atMost(WAIT).until(() -> held.get().getAsLong(), bytes -> bytes == 556); // restored
    }

    /**
     * A processor taking partitions over restores them one at a time, so that what a restore reads is held for one
     * partition at once, beside what is restored already: partition 1's command is read while partition 0's restore
     * waits, and its own restore begins only after; then both streams go on from their restored states.
     */
    @Test
    void shouldRestoreThePartitionsItIsAssignedOneAtATime() {
        start(settings(4));
        log.append(0, StreamCommand.start("a", "hoard", Map.of(), "a"));
        log.append(0, StreamCommand.chunk("a", "hoard", "aa", null));
        log.append(1, StreamCommand.start("b", "hoard", Map.of(), "b"));
        log.append(1, StreamCommand.chunk("b", "hoard", "bbb", null));
        awaitCommitted(0, 2, "a");
        awaitCommitted(1, 2, "b");
        engine.dispose();

        Sinks.Empty<Void> gate = Sinks.empty();
        log.restoreGate = gate.asMono();
        log.append(1, StreamCommand.chunk("b", "hoard", "b", null));
        commandsRead.clear();
        start(settings(4));
        await().atMost(WAIT).until(() -> commandsRead.contains("b"));
        assertThat(log.mostRestoresAtOnce).as("restores at once, partition 1's command read").hasValue(1);

        gate.tryEmitEmpty();
        awaitCommitted(1, 3, "b");
        assertThat(log.resultsOf("b")).extracting(StreamResult::json).last()
                .isEqualTo("{\"seq\":2,\"data\":\"held 4\"}");
        assertThat(log.mostRestoresAtOnce).as("restores at once").hasValue(1);
    }

    /**
     * A step's outputs are taken only as far as the room for results waiting for their transaction goes (4 KB here,
     * about 7 results, and a step's first whatever the room): with commits held, the processor is asked for no more
     * than that and the one it makes ahead of the hand-off to the coordinator; once commits go, every output comes, in
     * order. The time a step waits for room is not the processor's: held for twice the step timeout, it does not time
     * out.
     */
    @Test
    void shouldTakeAStepsOutputsOnlyAsFarAsTheRoomForResultsGoesUntilTheyCommit() {
        Sinks.Empty<Void> commits = Sinks.empty();
        log.commitGate = commits.asMono();
        start(new EngineSettings(4, Duration.ofMillis(500), 0, Duration.ZERO, 1000, 4_096, ROOM_FOR_ANY_STATE));
        log.append(0, StreamCommand.chunk("c", "counting", "1000", null));

        await().atMost(WAIT).until(outputsMade::get, made -> made > 0);
        await("outputs made with commits held").during(Duration.ofMillis(1000)).atMost(WAIT)
                .until(outputsMade::get, made -> made <= 9);
        log.commitGate = Mono.empty();
        commits.tryEmitEmpty();
        awaitCommitted(0, 1, "c");
        assertThat(log.resultsOf("c")).extracting(StreamResult::json).containsExactlyElementsOf(
                IntStream.rangeClosed(1, 1000).mapToObj(n -> "{\"seq\":0,\"data\":\"" + n + "\"}").toList());
    }

    /**
     * Outputs each larger than the whole room (8 KB against 4 KB): with commits held, an attempt begins only while its
     * processor's next output fits beside what the others hold (half the room until it has made one), so two of four
     * steps begin, each takes its first output and has one more made ahead of the hand-off, and no more (each took 16
     * and had 16 more made before, 112 here); once commits go, every output comes, in order.
     */
    @Test
    void shouldBeginAStepOnlyWhereItsProcessorsNextOutputFitsTheRoom() {
        Sinks.Empty<Void> commits = Sinks.empty();
        log.commitGate = commits.asMono();
        start(new EngineSettings(4, Duration.ofMillis(500), 0, Duration.ZERO, 1000, 4_096, ROOM_FOR_ANY_STATE));
        List<String> streams = List.of("l0", "l1", "l2", "l3");
        for (String stream : streams) {
            log.append(0, StreamCommand.chunk(stream, "counting", "32:8192", null));
        }

        await().atMost(WAIT).until(outputsMade::get, made -> made >= 4);
        await("outputs made by four steps with commits held").during(Duration.ofMillis(1000)).atMost(WAIT)
                .until(outputsMade::get, made -> made <= 4);
        log.commitGate = Mono.empty();
        commits.tryEmitEmpty();
        awaitCommitted(0, streams.size(), streams.get(3));
        for (int seq = 0; seq < streams.size(); seq++) {
            String offset = Integer.toString(seq);
            assertThat(log.resultsOf(streams.get(seq))).as("the results of %s", streams.get(seq))
                    .extracting(StreamResult::json).containsExactlyElementsOf(IntStream.rangeClosed(1, 32)
                            .mapToObj(n -> "{\"seq\":" + offset + ",\"data\":\"" + padded(Integer.toString(n), 8192)
                                    + "\"}").toList());
        }
    }

    /**
     * A processor that has done a step without any output holds no room for its next ones: with a room of 4 KB, of
     * which each attempt of a processor yet to make an output holds half, four steps of it that wait all begin once it
     * has done one that made nothing, where two would have.
     */
    @Test
    void shouldHoldNoRoomForAProcessorThatDidAStepWithoutOutputs() {
        start(new EngineSettings(4, WAIT, 0, Duration.ZERO, 1000, 4_096, ROOM_FOR_ANY_STATE));
        log.append(0, StreamCommand.chunk("q0", "quiet", "", null));
        awaitCommitted(0, 1, "q0");
        List<String> streams = List.of("q1", "q2", "q3", "q4");
        for (String stream : streams) {
            log.append(0, StreamCommand.chunk(stream, "quiet", stream, null));
        }

        await("calls of quiet, q0's and those begun of four").atMost(WAIT).until(quietCalls::get, calls -> calls == 5);
        streams.forEach(this::open);
        awaitCommitted(0, 5, "q4");
    }

    /**
     * An attempt that times out or fails gives back the room it held (half of a 4 KB room, for a processor yet to make
     * an output): the two steps that fail begin once the two that time out have, and a step of a third processor once
     * those have failed.
     */
    @Test
    void shouldGiveBackTheRoomOfAnAttemptThatTimedOutOrFailed() {
        start(new EngineSettings(4, Duration.ofMillis(200), 0, Duration.ZERO, 1000, 4_096, ROOM_FOR_ANY_STATE));
        for (String stream : List.of("t1", "t2")) {
            log.append(0, StreamCommand.chunk(stream, "gated", "never", null));
        }
        for (String stream : List.of("p1", "p2")) {
            log.append(0, StreamCommand.chunk(stream, "poison", "poison", null));
        }
        awaitCommitted(0, 4, "p2");
        log.append(0, StreamCommand.chunk("u", "uppercase", "next", null));

        awaitCommitted(0, 5, "u");
        assertThat(log.resultsOf("u")).extracting(StreamResult::json).containsExactly("{\"seq\":4,\"data\":\"NEXT\"}");
    }

    @Test
    void shouldTimeAChunkOutAndGoOn() {
        start(new EngineSettings(4, Duration.ofMillis(200), 0, Duration.ZERO, 1000, 1 << 20, ROOM_FOR_ANY_STATE));
        log.append(0, StreamCommand.chunk("t", "gated", "never", null));
        log.append(0, StreamCommand.chunk("t", "uppercase", "next", null));

        await().atMost(WAIT).until(() -> log.committedOffset(0) == 2);
        assertThat(log.resultsOf("t")).extracting(StreamResult::json).containsExactly(
                "{\"seq\":0,\"data\":\"\",\"error\":\"processing failed: it took longer than 200 ms\"}",
                "{\"seq\":1,\"data\":\"NEXT\"}");
        assertThat(log.deadLetters).singleElement().extracting(DeadLetter::error).asString().contains("Timeout");
    }

    @Test
    void shouldTimeAStepOutOverAllItsOutputsNotEachOne() throws InterruptedException {
        start(new EngineSettings(4, Duration.ofMillis(500), 0, Duration.ZERO, 1000, 1 << 20, ROOM_FOR_ANY_STATE));
        log.append(0, StreamCommand.chunk("drip", "gated", "three", null));

        // Each output comes 400 ms after the one before, within the timeout; the third, 800 ms or more after the step
        // began, is past it. (A gate opened before the processor waits on it lets its output through at once.)
        open("three#1");
        for (int output = 2; output <= 3; output++) {
            Thread.sleep(400);
            gates.computeIfAbsent("three#" + output, ignored -> Sinks.one()).tryEmitValue("three#" + output);
        }

        await().atMost(WAIT).until(() -> log.committedOffset(0) == 1);
        List<String> results = log.resultsOf("drip").stream().map(StreamResult::json).toList();
        assertThat(results).as("results of the step").isNotEmpty().doesNotContain("{\"seq\":0,\"data\":\"three#3\"}");
        assertThat(results.get(results.size() - 1)).as("the last of %s", results)
                .isEqualTo("{\"seq\":0,\"data\":\"\",\"error\":\"processing failed: it took longer than 500 ms\"}");
    }

    @Test
    void shouldFireAStreamsTimerAndKeepItAcrossATakeover() {
        start(settings(4));
        log.append(0, StreamCommand.start("tick", "ticker", Map.of(), "a"));
        await().atMost(WAIT).until(() -> log.resultsOf("tick").size() >= 3);

        takeOver();
        int before = log.resultsOf("tick").size();
        await().atMost(WAIT).until(() -> log.resultsOf("tick").size() >= before + 2);
        List<String> ticks = log.resultsOf("tick").stream().skip(1).map(StreamResult::json).toList();
        for (int tick = 0; tick < ticks.size(); tick++) {
            assertThat(ticks.get(tick)).as("tick %d, once each, in order", tick + 1).contains("\"data\":\"tick " + (tick + 1) + "\"");
        }
    }

    @Test
    void shouldDeliverTheEndSummaryBeforeTheEnd() {
        start(settings(4));
        log.append(1, StreamCommand.start("sum", "summary", Map.of(), "a"));
        log.append(1, StreamCommand.chunk("sum", "summary", "x", null));
        log.append(1, StreamCommand.chunk("sum", "summary", "y", null));
        log.append(1, StreamCommand.end("sum", "client"));

        await().atMost(WAIT).until(() -> log.committedOffset(1) == 4);
        List<StreamResult> results = log.resultsOf("sum");
        assertThat(results).extracting(StreamResult::kind).containsExactly(StreamResult.Kind.STARTED,
                StreamResult.Kind.RESULT, StreamResult.Kind.RESULT, StreamResult.Kind.RESULT, StreamResult.Kind.ENDED);
        assertThat(results.get(3).json()).isEqualTo("{\"seq\":3,\"data\":\"2 chunks\"}");
        await().atMost(WAIT).until(() -> log.state(1, "sum") == null); // forgotten once the log is done past its end
    }

    @Test
    void shouldCallAnInstantProcessorOnTheEnginesThreadForSmallCommandsAndEveryOtherOnAWorker() {
        start(settings(4));
        log.append(0, StreamCommand.chunk("instant", "instant-thread", "small", null));
        String large = "x".repeat(StepRules.INSTANT_MAX_BYTES + 1);
        log.append(0, StreamCommand.chunk("instant", "instant-thread", large, null));
        log.append(0, StreamCommand.chunk("other", "thread", "small", null));

        await().atMost(WAIT).until(() -> log.committedOffset(0) == 3);
        assertThat(log.resultsOf("instant")).extracting(StreamResult::json).containsExactly(
                "{\"seq\":0,\"data\":\"processing-engine\"}", "{\"seq\":1,\"data\":\"parallel\"}");
        assertThat(log.resultsOf("other")).extracting(StreamResult::json).containsExactly(
                "{\"seq\":2,\"data\":\"parallel\"}");
    }

    @Test
    void shouldStartOverAndKeepCommittingWhenRecordingACommitFails() {
        AtomicInteger recorded = new AtomicInteger();
        start(settings(4), new ProcessingMetrics() {
            @Override
            public void committed(Duration took, int results) {
                // The chunk's commit: one of a start whose state is not in it yet would be replayed, and confirmed
                // again (shouldConfirmAStartAgainWhenItsProcessorDiesBeforeCommittingIt).
                if (results > 0 && recorded.getAndIncrement() == 0) {
                    throw new IllegalStateException("a meter that failed");
                }
            }
        });
        log.append(0, StreamCommand.start("s1", "uppercase", Map.of(), "a"));
        awaitCommitted(0, 1, "s1");

        log.append(0, StreamCommand.chunk("s1", "uppercase", "after", null));
        log.append(0, StreamCommand.end("s1", "client"));

        awaitStartChunkEndDoneOnce("s1");
    }

    @Test
    void shouldStartOverAndFinishTheStepWhenHandlingItsCompletionFails() {
        AtomicInteger completions = new AtomicInteger();
        start(settings(4), new ProcessingMetrics() {
            @Override
            public void stepCompleted() {
                // The chunk's, once the start is committed: a start replayed is confirmed again
                // (shouldConfirmAStartAgainWhenItsProcessorDiesBeforeCommittingIt).
                if (completions.getAndIncrement() == 1) {
                    throw new IllegalStateException("a meter that failed");
                }
            }
        });
        log.append(0, StreamCommand.start("s1", "uppercase", Map.of(), "a"));
        awaitCommitted(0, 1, "s1");
        log.append(0, StreamCommand.chunk("s1", "uppercase", "after", null));
        log.append(0, StreamCommand.end("s1", "client"));

        awaitStartChunkEndDoneOnce("s1");
    }

    // ---- helpers

    /** The stream's start, one chunk and end (partition 0) all committed, each of their results there once. */
    private void awaitStartChunkEndDoneOnce(String stream) {
        awaitCommitted(0, 3, stream);
        assertThat(log.resultsOf(stream)).extracting(StreamResult::kind).containsExactly(
                StreamResult.Kind.STARTED, StreamResult.Kind.RESULT, StreamResult.Kind.ENDED);
    }

    /** Lets the held commits go: s1's start "a", its end and its start "b" committed, "b" confirmed after the end. */
    private void awaitSecondStartAfterTheEnd(Sinks.Empty<Void> commits) {
        commits.tryEmitEmpty();
        awaitCommitted(0, 3, "s1");
        assertThat(log.resultsOf("s1")).as("the second start after the end it follows")
                .extracting(StreamResult::kind, StreamResult::startId).containsExactly(
                        tuple(StreamResult.Kind.STARTED, "a"), tuple(StreamResult.Kind.ENDED, null),
                        tuple(StreamResult.Kind.STARTED, "b"));
    }

    /** Starts the engine; the steps it completes, counted. */
    private AtomicInteger startCountingSteps(EngineSettings settings) {
        AtomicInteger steps = new AtomicInteger();
        start(settings, new ProcessingMetrics() {
            @Override
            public void stepCompleted() {
                steps.incrementAndGet();
            }
        });
        return steps;
    }

    private void awaitCommitted(int partition, long offset, String stream) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(log.committedOffset(partition))
                .as("partition %d's committed offset; results of %s so far: %s", partition, stream,
                        log.resultsOf(stream))
                .isEqualTo(offset));
    }

    private static EngineSettings settings(int concurrentStreams) {
        return new EngineSettings(concurrentStreams, WAIT, 0, Duration.ZERO, 1000, 1 << 20, ROOM_FOR_ANY_STATE);
    }

    private void start(EngineSettings settings) {
        start(settings, ProcessingMetrics.NONE);
    }

    private void start(EngineSettings settings, ProcessingMetrics metrics) {
        engine = new ProcessingEngine(log, catalog, settings, JSON, () -> 1 << 20, Clock.systemUTC(), metrics,
                Schedulers.parallel(), Schedulers.parallel(), StreamTracing.OFF, activity).start();
        this.settings = settings;
    }

    private EngineSettings settings;

    /** The engine dies with what it has not committed; another takes its partitions over from the logs. */
    private void takeOver() {
        engine.dispose();
        gates.clear();
        start(settings);
    }

    /** Holds every commit that records something of {@code stream} until {@code gate} completes. */
    private void holdCommitsOf(String stream, Mono<Void> gate) {
        log.gated = transaction -> transaction.partitions().stream()
                .anyMatch(partition -> partition.states().containsKey(stream));
        log.commitGate = gate;
    }

    private void open(String gate) {
        await().atMost(WAIT).until(() -> gates.containsKey(gate));
        gates.get(gate).tryEmitValue(gate);
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }

    /** Emits "<chunk>#1", "#2", ... one per gate the test opens; a chunk named "held" or "never" has one, else three. */
    private StreamProcessor gated() {
        return processor("gated", (chunk, stream) -> {
            int outputs = chunk.data().equals("three") ? 3 : 1;
            return Flux.range(1, outputs).concatMap(n -> {
                String gate = chunk.data() + "#" + n;
                return gates.computeIfAbsent(gate, ignored -> Sinks.one()).asMono();
            }).map(Output::of);
        });
    }

    /** Makes no outputs: at once for an empty chunk, else once the gate its chunk names is open. */
    private StreamProcessor quiet() {
        return processor("quiet", (chunk, stream) -> {
            quietCalls.incrementAndGet();
            return chunk.data().isEmpty() ? Flux.empty()
                    : gates.computeIfAbsent(chunk.data(), ignored -> Sinks.one()).asMono().thenMany(Flux.empty());
        });
    }

    /** Keeps every chunk in its state, and says how many characters it holds. */
    private static StreamProcessor hoard() {
        return processor("hoard", (chunk, stream) -> {
            String held = stream.state().get("held");
            stream.state().put("held", (held == null ? "" : held) + chunk.data());
            return Flux.just(Output.of("held " + stream.state().get("held").length()));
        });
    }

    /**
     * Makes as many outputs as its chunk says, "1", "2", ..., counted as they are made; a chunk "16:8192" makes 16,
     * each padded with dots to 8,192 characters.
     */
    private StreamProcessor counting() {
        return processor("counting", (chunk, stream) -> {
            String[] spec = chunk.data().split(":");
            int length = spec.length > 1 ? Integer.parseInt(spec[1]) : 0;
            return Flux.range(1, Integer.parseInt(spec[0])).doOnNext(output -> outputsMade.incrementAndGet())
                    .map(output -> Output.of(padded(Integer.toString(output), length)));
        });
    }

    private static String padded(String text, int length) {
        return text + ".".repeat(Math.max(0, length - text.length()));
    }

    private StreamProcessor poison() {
        return processor("poison", (chunk, stream) -> {
            if (chunk.data().contains("poison")) {
                poisonAttempts.incrementAndGet();
                throw new IllegalArgumentException("a poison chunk");
            }
            return Flux.just(Output.of(chunk.data()));
        });
    }

    /** Ticks every 50 ms from its start: "tick 1", "tick 2", ... counted in its state. */
    private static StreamProcessor ticker() {
        return new StreamProcessor() {
            @Override
            public String name() {
                return "ticker";
            }

            @Override
            public Flux<Output> onStart(StreamContext stream) {
                stream.setTimer(Duration.ofMillis(50));
                return Flux.empty();
            }

            @Override
            public Flux<Output> onChunk(Chunk chunk, StreamContext stream) {
                return Flux.empty();
            }

            @Override
            public Flux<Output> onTimer(StreamContext stream) {
                stream.setTimer(Duration.ofMillis(50));
                return Flux.just(Output.of("tick " + stream.state().add("ticks", 1)));
            }
        };
    }

    /** Counts chunks, and says how many at the end. */
    private static StreamProcessor summary() {
        return new StreamProcessor() {
            @Override
            public String name() {
                return "summary";
            }

            @Override
            public Flux<Output> onChunk(Chunk chunk, StreamContext stream) {
                stream.state().add("chunks", 1);
                return Flux.just(Output.of(chunk.data()));
            }

            @Override
            public Flux<Output> onEnd(StreamContext stream) {
                return Flux.just(Output.of(stream.state().get("chunks", 0) + " chunks"));
            }
        };
    }

    /** Answers each chunk with the name of the thread it was called on, less its number ("parallel-2": "parallel"). */
    private static StreamProcessor thread(boolean instant) {
        return new StreamProcessor() {
            @Override
            public String name() {
                return instant ? "instant-thread" : "thread";
            }

            @Override
            public boolean instant() {
                return instant;
            }

            @Override
            public Flux<Output> onChunk(Chunk chunk, StreamContext stream) {
                return Flux.just(Output.of(Thread.currentThread().getName().replaceFirst("-\\d+$", "")));
            }
        };
    }

    private static StreamProcessor processor(String name,
                                             java.util.function.BiFunction<Chunk, StreamContext, Flux<Output>> onChunk) {
        return new StreamProcessor() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Flux<Output> onChunk(Chunk chunk, StreamContext stream) {
                return onChunk.apply(chunk, stream);
            }
        };
    }
}
