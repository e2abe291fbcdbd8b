package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.stream.IdempotencyKeys.KeyedSend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {

    private final AtomicInteger attempts = new AtomicInteger();

    /** Keys under no budget: only their capacity bounds them. */
    private static IdempotencyKeys unbounded(int capacity) {
        return new IdempotencyKeys(capacity, () -> Long.MAX_VALUE, new AtomicInteger());
    }

    /** An attempt that stores the send at {@code seq}, counted. */
    private IdempotencyKeys.Attempt storedAt(long seq) {
        return since -> {
            attempts.incrementAndGet();
            return CompletableFuture.completedFuture(seq);
        };
    }

    @Test
    void shouldAnswerARetryWithTheFirstAttemptsSeqWithoutAnotherAttempt() {
        IdempotencyKeys keys = unbounded(8);

        assertThat(keys.outcome(KeyedSend.of("k", "data"), 0, storedAt(5)).join()).isEqualTo(5);
        assertThat(keys.outcome(KeyedSend.of("k", "data"), 0, storedAt(6)).join()).isEqualTo(5);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void shouldGiveARetryDuringTheFirstAttemptThatAttemptsOutcome() {
        IdempotencyKeys keys = unbounded(8);
        CompletableFuture<Long> inFlight = new CompletableFuture<>();

        CompletableFuture<Long> first = keys.outcome(KeyedSend.of("k", "data"), 0, since -> inFlight);
        CompletableFuture<Long> retry = keys.outcome(KeyedSend.of("k", "data"), 0, storedAt(9));
        inFlight.complete(3L);

        assertThat(first.join()).isEqualTo(3);
        assertThat(retry.join()).isEqualTo(3);
        assertThat(attempts).hasValue(0);
    }

    @Test
    void shouldForgetTheOldestKeyBeyondItsCapacity() {
        IdempotencyKeys keys = unbounded(2);
        keys.outcome(KeyedSend.of("a", "1"), 0, storedAt(1)).join();
        keys.outcome(KeyedSend.of("b", "2"), 0, storedAt(2)).join();
        keys.outcome(KeyedSend.of("c", "3"), 0, storedAt(3)).join();

        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.outcome(KeyedSend.of("c", "3"), 0, storedAt(30)).join()).as("a remembered key").isEqualTo(3);
        assertThat(keys.outcome(KeyedSend.of("a", "1"), 0, storedAt(10)).join()).as("a forgotten key").isEqualTo(10);
        assertThat(attempts).hasValue(4);
    }

    @Test
    void shouldForgetAFailedAttemptSoTheRetryTriesAgain() {
        IdempotencyKeys keys = unbounded(8);

        assertThat(keys.outcome(KeyedSend.of("k", "data"), 0,
                since -> CompletableFuture.failedFuture(new IllegalStateException("broker down"))))
                .isCompletedExceptionally();
        assertThat(keys.size()).isZero();
        assertThat(keys.outcome(KeyedSend.of("k", "data"), 0, storedAt(4)).join()).isEqualTo(4);
    }

    @Test
    void shouldTellKeysApartWhateverTheirLength() {
        IdempotencyKeys keys = unbounded(8);
        String longKey = "k".repeat(127);
        keys.outcome(KeyedSend.of(longKey + "a", "data"), 0, storedAt(1)).join();

        assertThat(keys.outcome(KeyedSend.of(longKey + "b", "data"), 0, storedAt(2)).join()).isEqualTo(2);
        assertThat(keys.outcome(KeyedSend.of(longKey + "a", "data"), 0, storedAt(3)).join()).isEqualTo(1);
    }

    @Test
    void shouldLearnAStoredSendFromItsRecordAndRefuseTheKeyForOtherData() {
        IdempotencyKeys keys = unbounded(8);
        keys.stored(KeyedSend.of("k", "data").recorded(), 7);

        assertThat(keys.outcome(KeyedSend.of("k", "data"), 0, storedAt(8)).join()).isEqualTo(7);
        assertThat(keys.outcome(KeyedSend.of("k", "other"), 0, storedAt(8)))
                .isCompletedExceptionally();
        assertThat(attempts).hasValue(0);
    }

    /** An attempt that fails with {@code failure}, noting when the key's first uncertain attempt began. */
    private IdempotencyKeys.Attempt failingWith(RuntimeException failure, List<Long> sinces) {
        return since -> {
            sinces.add(since);
            return CompletableFuture.failedFuture(failure);
        };
    }

    private static final CommandLogUnavailableException NO_ANSWER =
            new CommandLogUnavailableException("TimeoutException: Expiring 1 record(s)", null);

    @Test
    void shouldMakeTheNextAttemptARetryOfOneThatFailedWithoutTellingWhetherKafkaTookIt() {
        IdempotencyKeys keys = unbounded(8);
        List<Long> sinces = new ArrayList<>();

        assertThat(keys.outcome(KeyedSend.of("k", "data"), 1_000, failingWith(NO_ANSWER, sinces)))
                .isCompletedExceptionally();
        assertThat(keys.outcome(KeyedSend.of("k", "data"), 2_000, failingWith(NO_ANSWER, sinces)))
                .as("a retry that failed too").isCompletedExceptionally();
        assertThat(keys.outcome(KeyedSend.of("k", "data"), 3_000, since -> {
            sinces.add(since);
            return CompletableFuture.completedFuture(4L);
        }).join()).isEqualTo(4);
        assertThat(keys.outcome(KeyedSend.of("k", "data"), 4_000, storedAt(9)).join()).isEqualTo(4);

        assertThat(sinces).as("each retry reads from the first attempt on").containsExactly(
                IdempotencyKeys.Attempt.FIRST, 1_000L, 1_000L);
        assertThat(attempts).hasValue(0);
    }

    @Test
    void shouldForgetAnAttemptThatSurelyStoredNothing() {
        IdempotencyKeys keys = unbounded(8);
        List<Long> sinces = new ArrayList<>();

        keys.outcome(KeyedSend.of("k", "data"), 1_000,
                failingWith(new CommandLogBusyException(CommandLogBusyException.MAX_SENDS_IN_FLIGHT,
                        "too many sends in flight"), sinces));
        keys.outcome(KeyedSend.of("k", "data"), 2_000, failingWith(NO_ANSWER, sinces));

        assertThat(sinces).containsExactly(IdempotencyKeys.Attempt.FIRST, IdempotencyKeys.Attempt.FIRST);
    }

    @Test
    void shouldTakeARetryAfterUncertainForAsANewSend() {
        IdempotencyKeys keys = unbounded(8);
        List<Long> sinces = new ArrayList<>();
        long later = 1_000 + IdempotencyKeys.UNCERTAIN_FOR.toMillis();

        keys.outcome(KeyedSend.of("k", "data"), 1_000, failingWith(NO_ANSWER, sinces));
        keys.outcome(KeyedSend.of("k", "data"), later, failingWith(NO_ANSWER, sinces));
        keys.outcome(KeyedSend.of("k", "data"), later + 1, failingWith(NO_ANSWER, sinces));

        assertThat(sinces).containsExactly(IdempotencyKeys.Attempt.FIRST, 1_000L, IdempotencyKeys.Attempt.FIRST);
    }

    @Test
    void shouldSettleAnUncertainKeyByItsResult() {
        IdempotencyKeys keys = unbounded(8);
        keys.outcome(KeyedSend.of("k", "data"), 1_000, failingWith(NO_ANSWER, new ArrayList<>()));

        keys.stored(KeyedSend.of("k", "data").recorded(), 6);

        assertThat(keys.outcome(KeyedSend.of("k", "data"), 2_000, storedAt(9)).join()).isEqualTo(6);
        assertThat(keys.outcome(KeyedSend.of("k", "other"), 2_000, storedAt(9))).as("the key's data is known")
                .isCompletedExceptionally();
        assertThat(attempts).hasValue(0);
    }

    @Test
    void shouldWriteAndReadTheDigestAsRecordsInKafkaHaveIt() {
        // Base64url, unpadded, of the first 12 bytes of SHA-256("data"): the form every gateway has written.
        String writtenBefore = "k Om6weQ85rIfJTzhW";
        IdempotencyKeys keys = unbounded(8);
        keys.stored(writtenBefore, 7);

        assertThat(KeyedSend.of("k", "data").recorded()).isEqualTo(writtenBefore);
        assertThat(keys.outcome(KeyedSend.of("k", "data"), 0, storedAt(8)).join()).isEqualTo(7);
    }

    @Test
    void shouldNotRememberAKeyLearnedWithADigestItDidNotWrite() {
        IdempotencyKeys keys = unbounded(8);
        keys.stored("k not-a-digest!", 7);
        keys.stored("j c2hvcnQ", 8);

        assertThat(keys.size()).as("neither remembered, so neither taken for any data").isZero();
        assertThat(keys.outcome(KeyedSend.of("k", "data"), 0, storedAt(9)).join()).isEqualTo(9);
    }

    @Test
    void shouldRememberOnlyTheNewestKeysItsShareOfTheBudgetHolds() {
        IdempotencyKeys keys = new IdempotencyKeys(1024, () -> 3L * IdempotencyKeys.HELD_BYTES_PER_KEY,
                new AtomicInteger());
        for (int i = 0; i < 10; i++) {
            keys.outcome(KeyedSend.of("k" + i, "data"), 0, storedAt(i)).join();
        }
        keys.stored(KeyedSend.of("learned", "data").recorded(), 10);

        assertThat(keys.size()).isEqualTo(3);
        assertThat(keys.heldBytes()).isEqualTo(3L * IdempotencyKeys.HELD_BYTES_PER_KEY);
        assertThat(keys.outcome(KeyedSend.of("learned", "data"), 0, storedAt(20)).join()).as("the newest")
                .isEqualTo(10);
        assertThat(keys.outcome(KeyedSend.of("k9", "data"), 0, storedAt(20)).join()).isEqualTo(9);
        assertThat(keys.outcome(KeyedSend.of("k7", "data"), 0, storedAt(21)).join()).as("forgotten").isEqualTo(21);
    }

    @Test
    void shouldForgetItsOldestKeysWhenItsShareShrinksAndKeepTheNewestWhateverTheShare() {
        AtomicLong share = new AtomicLong(Long.MAX_VALUE);
        IdempotencyKeys keys = new IdempotencyKeys(1024, share::get, new AtomicInteger());
        for (int i = 0; i < 10; i++) {
            keys.outcome(KeyedSend.of("k" + i, "data"), 0, storedAt(i)).join();
        }

        share.set(4L * IdempotencyKeys.HELD_BYTES_PER_KEY);
        keys.trim();
        assertThat(keys.size()).isEqualTo(4);
        assertThat(keys.outcome(KeyedSend.of("k6", "data"), 0, storedAt(60)).join()).isEqualTo(6);

        share.set(0);
        keys.trim();
        assertThat(keys.size()).as("the newest key, so a retry of the send under way is still told apart").isEqualTo(1);
        assertThat(keys.outcome(KeyedSend.of("k9", "data"), 0, storedAt(90)).join()).isEqualTo(9);
    }

    @Test
    void shouldKeepTheKeysOfSendsUnderWayWhateverTheShare() {
        IdempotencyKeys keys = new IdempotencyKeys(1024, () -> 0L, new AtomicInteger());
        CompletableFuture<Long> first = new CompletableFuture<>();
        CompletableFuture<Long> second = new CompletableFuture<>();
        keys.outcome(KeyedSend.of("first", "data"), 0, since -> first);
        keys.outcome(KeyedSend.of("second", "data"), 0, since -> second);

        CompletableFuture<Long> retry = keys.outcome(KeyedSend.of("first", "data"), 0, storedAt(9));
        assertThat(attempts).as("the retry waits for the first attempt, which a newer key did not push out")
                .hasValue(0);
        first.complete(1L);
        second.complete(2L);

        assertThat(retry.join()).isEqualTo(1);

        assertThat(keys.size()).as("once done, the newest only").isEqualTo(1);
        assertThat(keys.outcome(KeyedSend.of("second", "data"), 0, storedAt(9)).join()).isEqualTo(2);
    }

    @Test
    void shouldJoinTheBudgetsSharersWithItsFirstKeyAndLeaveThemOnceWhenClosed() {
        AtomicInteger sharers = new AtomicInteger();
        IdempotencyKeys keys = new IdempotencyKeys(1024, () -> Long.MAX_VALUE, sharers);
        assertThat(sharers).as("no key yet").hasValue(0);

        keys.outcome(KeyedSend.of("sent", "data"), 0, storedAt(1)).join();
        keys.stored(KeyedSend.of("learned", "data").recorded(), 2);
        assertThat(sharers).as("two keys, one stream").hasValue(1);

        keys.close();
        keys.close();
        assertThat(sharers).as("closed twice").hasValue(0);
    }

    @Test
    void shouldNotJoinTheBudgetsSharersOnceClosed() {
        AtomicInteger sharers = new AtomicInteger();
        IdempotencyKeys keys = new IdempotencyKeys(1024, () -> Long.MAX_VALUE, sharers);
        keys.close();

        keys.stored(KeyedSend.of("learned late", "data").recorded(), 1);

        assertThat(sharers).as("a closed stream would never leave them").hasValue(0);
    }
}
