package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.stream.IdempotencyKeys.KeyedSend;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {

    private final AtomicInteger attempts = new AtomicInteger();

    /** An attempt that stores the send at {@code seq}, counted. */
    private Supplier<CompletableFuture<Long>> storedAt(long seq) {
        return () -> {
            attempts.incrementAndGet();
            return CompletableFuture.completedFuture(seq);
        };
    }

    @Test
    void shouldAnswerARetryWithTheFirstAttemptsSeqWithoutAnotherAttempt() {
        IdempotencyKeys keys = new IdempotencyKeys(8);

        assertThat(keys.outcome(KeyedSend.of("k", "data"), storedAt(5)).join()).isEqualTo(5);
        assertThat(keys.outcome(KeyedSend.of("k", "data"), storedAt(6)).join()).isEqualTo(5);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void shouldGiveARetryDuringTheFirstAttemptThatAttemptsOutcome() {
        IdempotencyKeys keys = new IdempotencyKeys(8);
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
        IdempotencyKeys keys = new IdempotencyKeys(2);
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
        IdempotencyKeys keys = new IdempotencyKeys(8);

        assertThat(keys.outcome(KeyedSend.of("k", "data"),
                () -> CompletableFuture.failedFuture(new IllegalStateException("broker down"))))
                .isCompletedExceptionally();
        assertThat(keys.size()).isZero();
        assertThat(keys.outcome(KeyedSend.of("k", "data"), storedAt(4)).join()).isEqualTo(4);
    }

    @Test
    void shouldTellKeysApartWhateverTheirLength() {
        IdempotencyKeys keys = new IdempotencyKeys(8);
        String longKey = "k".repeat(127);
        keys.outcome(KeyedSend.of(longKey + "a", "data"), storedAt(1)).join();

        assertThat(keys.outcome(KeyedSend.of(longKey + "b", "data"), storedAt(2)).join()).isEqualTo(2);
        assertThat(keys.outcome(KeyedSend.of(longKey + "a", "data"), storedAt(3)).join()).isEqualTo(1);
    }

    @Test
    void shouldLearnAStoredSendFromItsRecordAndRefuseTheKeyForOtherData() {
        IdempotencyKeys keys = new IdempotencyKeys(8);
        keys.stored(KeyedSend.of("k", "data").recorded(), 7);

        assertThat(keys.outcome(KeyedSend.of("k", "data"), storedAt(8)).join()).isEqualTo(7);
        assertThat(keys.outcome(KeyedSend.of("k", "other"), storedAt(8)))
                .isCompletedExceptionally();
        assertThat(attempts).hasValue(0);
    }

    @Test
    void shouldNotRememberAKeyLearnedWithADigestItDidNotWrite() {
        IdempotencyKeys keys = new IdempotencyKeys(8);
        keys.stored("k not-a-digest!", 7);
        keys.stored("j c2hvcnQ", 8);

        assertThat(keys.size()).as("neither remembered, so neither taken for any data").isZero();
        assertThat(keys.outcome(KeyedSend.of("k", "data"), storedAt(9)).join()).isEqualTo(9);
    }
}
