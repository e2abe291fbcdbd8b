package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.stream.IdempotencyKeys.KeyedSend;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {

    private final AtomicInteger attempts = new AtomicInteger();

    /** Keys under no budget: only their capacity bounds them. */
    private static IdempotencyKeys unbounded(int capacity) {
        return new IdempotencyKeys(capacity, () -> Long.MAX_VALUE, new AtomicInteger());
    }

    /** An attempt that stores the send at {@code seq}, counted. */
    private Supplier<CompletableFuture<Long>> storedAt(long seq) {
        return () -> {
            attempts.incrementAndGet();
            return CompletableFuture.completedFuture(seq);
        };
    }

    @Test
    void shouldAnswerARetryWithTheFirstAttemptsSeqWithoutAnotherAttempt() {
        IdempotencyKeys keys = unbounded(8);

        assertThat(keys.outcome(KeyedSend.of("k", "data"), storedAt(5)).join()).isEqualTo(5);
        assertThat(keys.outcome(KeyedSend.of("k", "data"), storedAt(6)).join()).isEqualTo(5);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void shouldGiveARetryDuringTheFirstAttemptThatAttemptsOutcome() {
        IdempotencyKeys keys = unbounded(8);
        CompletableFuture<Long> inFlight = new CompletableFuture<>();

        CompletableFuture<Long> first = keys.outcome(KeyedSend.of("k", "data"), () -> inFlight);
        CompletableFuture<Long> retry = keys.outcome(KeyedSend.of("k", "data"), storedAt(9));
        inFlight.complete(3L);

        assertThat(first.join()).isEqualTo(3);
        assertThat(retry.join()).isEqualTo(3);
        assertThat(attempts).hasValue(0);
    }

    @Test
    void shouldForgetTheOldestKeyBeyondItsCapacity() {
        IdempotencyKeys keys = unbounded(2);
        keys.outcome(KeyedSend.of("a", "1"), storedAt(1)).join();
        keys.outcome(KeyedSend.of("b", "2"), storedAt(2)).join();
        keys.outcome(KeyedSend.of("c", "3"), storedAt(3)).join();

        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.outcome(KeyedSend.of("c", "3"), storedAt(30)).join()).as("a remembered key").isEqualTo(3);
        assertThat(keys.outcome(KeyedSend.of("a", "1"), storedAt(10)).join()).as("a forgotten key").isEqualTo(10);
        assertThat(attempts).hasValue(4);
    }

    @Test
    void shouldForgetAFailedAttemptSoTheRetryTriesAgain() {
        IdempotencyKeys keys = unbounded(8);

        assertThat(keys.outcome(KeyedSend.of("k", "data"),
                () -> CompletableFuture.failedFuture(new IllegalStateException("broker down"))))
                .isCompletedExceptionally();
        assertThat(keys.size()).isZero();
        assertThat(keys.outcome(KeyedSend.of("k", "data"), storedAt(4)).join()).isEqualTo(4);
    }

    @Test
    void shouldTellKeysApartWhateverTheirLength() {
        IdempotencyKeys keys = unbounded(8);
        String longKey = "k".repeat(127);
        keys.outcome(KeyedSend.of(longKey + "a", "data"), storedAt(1)).join();

        assertThat(keys.outcome(KeyedSend.of(longKey + "b", "data"), storedAt(2)).join()).isEqualTo(2);
        assertThat(keys.outcome(KeyedSend.of(longKey + "a", "data"), storedAt(3)).join()).isEqualTo(1);
    }

    @Test
    void shouldLearnAStoredSendFromItsRecordAndRefuseTheKeyForOtherData() {
        IdempotencyKeys keys = unbounded(8);
        keys.stored(KeyedSend.of("k", "data").recorded(), 7);

        assertThat(keys.outcome(KeyedSend.of("k", "data"), storedAt(8)).join()).isEqualTo(7);
        assertThat(keys.outcome(KeyedSend.of("k", "other"), storedAt(8)))
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
        assertThat(keys.outcome(KeyedSend.of("k", "data"), storedAt(8)).join()).isEqualTo(7);
    }

    @Test
    void shouldNotRememberAKeyLearnedWithADigestItDidNotWrite() {
        IdempotencyKeys keys = unbounded(8);
        keys.stored("k not-a-digest!", 7);
        keys.stored("j c2hvcnQ", 8);

        assertThat(keys.size()).as("neither remembered, so neither taken for any data").isZero();
        assertThat(keys.outcome(KeyedSend.of("k", "data"), storedAt(9)).join()).isEqualTo(9);
    }

    @Test
    void shouldRememberOnlyTheNewestKeysItsShareOfTheBudgetHolds() {
        IdempotencyKeys keys = new IdempotencyKeys(1024, () -> 3L * IdempotencyKeys.HELD_BYTES_PER_KEY,
                new AtomicInteger());
        for (int i = 0; i < 10; i++) {
            keys.outcome(KeyedSend.of("k" + i, "data"), storedAt(i)).join();
        }
        keys.stored(KeyedSend.of("learned", "data").recorded(), 10);

        assertThat(keys.size()).isEqualTo(3);
        assertThat(keys.heldBytes()).isEqualTo(3L * IdempotencyKeys.HELD_BYTES_PER_KEY);
        assertThat(keys.outcome(KeyedSend.of("learned", "data"), storedAt(20)).join()).as("the newest").isEqualTo(10);
        assertThat(keys.outcome(KeyedSend.of("k9", "data"), storedAt(20)).join()).isEqualTo(9);
        assertThat(keys.outcome(KeyedSend.of("k7", "data"), storedAt(21)).join()).as("forgotten").isEqualTo(21);
    }

    @Test
    void shouldForgetItsOldestKeysWhenItsShareShrinksAndKeepTheNewestWhateverTheShare() {
        AtomicLong share = new AtomicLong(Long.MAX_VALUE);
        IdempotencyKeys keys = new IdempotencyKeys(1024, share::get, new AtomicInteger());
        for (int i = 0; i < 10; i++) {
            keys.outcome(KeyedSend.of("k" + i, "data"), storedAt(i)).join();
        }

        share.set(4L * IdempotencyKeys.HELD_BYTES_PER_KEY);
        keys.trim();
        assertThat(keys.size()).isEqualTo(4);
        assertThat(keys.outcome(KeyedSend.of("k6", "data"), storedAt(60)).join()).isEqualTo(6);

        share.set(0);
        keys.trim();
        assertThat(keys.size()).as("the newest key, so a retry of the send under way is still told apart").isEqualTo(1);
        assertThat(keys.outcome(KeyedSend.of("k9", "data"), storedAt(90)).join()).isEqualTo(9);
    }

    @Test
    void shouldKeepTheKeysOfSendsUnderWayWhateverTheShare() {
        IdempotencyKeys keys = new IdempotencyKeys(1024, () -> 0L, new AtomicInteger());
        CompletableFuture<Long> first = new CompletableFuture<>();
        CompletableFuture<Long> second = new CompletableFuture<>();
        keys.outcome(KeyedSend.of("first", "data"), () -> first);
        keys.outcome(KeyedSend.of("second", "data"), () -> second);

        CompletableFuture<Long> retry = keys.outcome(KeyedSend.of("first", "data"), storedAt(9));
        assertThat(attempts).as("the retry waits for the first attempt, which a newer key did not push out")
                .hasValue(0);
        first.complete(1L);
        second.complete(2L);

        assertThat(retry.join()).isEqualTo(1);

        assertThat(keys.size()).as("once done, the newest only").isEqualTo(1);
        assertThat(keys.outcome(KeyedSend.of("second", "data"), storedAt(9)).join()).isEqualTo(2);
    }

    @Test
    void shouldJoinTheBudgetsSharersWithItsFirstKeyAndLeaveThemOnceWhenClosed() {
        AtomicInteger sharers = new AtomicInteger();
        IdempotencyKeys keys = new IdempotencyKeys(1024, () -> Long.MAX_VALUE, sharers);
        assertThat(sharers).as("no key yet").hasValue(0);

        keys.outcome(KeyedSend.of("sent", "data"), storedAt(1)).join();
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
