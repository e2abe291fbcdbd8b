package io.streamgate.stream;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The outcome of one stream's recent sends by their {@code Idempotency-Key}, so a client that retries (after a
 * timeout, say) gets the first attempt's seq instead of storing the chunk twice. Bounded: the oldest keys are
 * forgotten first. Completed keys are also learned from the results log, so they survive a gateway restart and are
 * known to every gateway node.
 *
 * <p>Each key is remembered with a digest of its send's data: a key used again for other data is refused (422, as
 * the IETF's Idempotency-Key draft has it) rather than answered with the first send's seq, which would acknowledge
 * data that was never stored. The digest travels with the key through Kafka ({@link KeyedSend#recorded()}).
 */
final class IdempotencyKeys {

    private final Map<String, Outcome> outcomes;

    IdempotencyKeys(int capacity) {
        this.outcomes = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Outcome> eldest) {
                return size() > capacity;
            }
        };
    }

    /** A send's key and the digest of its data; null digest: learned from a record written without one. */
    record KeyedSend(String key, String digest) {

        static KeyedSend of(String key, String data) {
            return new KeyedSend(key, digest(data));
        }

        /** As written to Kafka beside the chunk: {@code <key> <digest>}, unambiguous since a key has no space. */
        String recorded() {
            return key + ' ' + digest;
        }

        static KeyedSend parse(String recorded) {
            int space = recorded.indexOf(' ');
            return space < 0 ? new KeyedSend(recorded, null)
                    : new KeyedSend(recorded.substring(0, space), recorded.substring(space + 1));
        }

        /** 96 bits of the data's SHA-256: a key reused by mistake for other data is told apart. */
        private static String digest(String data) {
            try {
                byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(data.getBytes(StandardCharsets.UTF_8));
                return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(sha256, 12));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("Every JVM has SHA-256", e);
            }
        }
    }

    private record Outcome(String digest, CompletableFuture<Long> seq) {

        boolean isFor(KeyedSend send) {
            return digest == null || digest.equals(send.digest());
        }
    }

    /**
     * The outcome for {@code send}: the earlier attempt's (done or still in flight), or a new attempt started now; an
     * {@link IdempotencyKeyReusedException} when the key's earlier send had other data. A failed attempt is
     * forgotten, so the next retry tries again.
     */
    CompletableFuture<Long> outcome(KeyedSend send, Supplier<CompletableFuture<Long>> attempt) {
        CompletableFuture<Long> started;
        synchronized (outcomes) {
            Outcome earlier = outcomes.get(send.key());
            if (earlier != null) {
                return earlier.isFor(send) ? earlier.seq() : CompletableFuture.failedFuture(
                        new IdempotencyKeyReusedException("Idempotency-Key '" + send.key()
                                + "' was used for a send with other data; use a new key for new data"));
            }
            started = new CompletableFuture<>();
            outcomes.put(send.key(), new Outcome(send.digest(), started));
        }
        CompletableFuture<Long> running;
        try {
            running = attempt.get();
        } catch (RuntimeException e) {
            running = CompletableFuture.failedFuture(e);
        }
        running.whenComplete((seq, failure) -> {
            if (failure != null) {
                synchronized (outcomes) {
                    outcomes.computeIfPresent(send.key(), (key, outcome) -> outcome.seq() == started ? null : outcome);
                }
                started.completeExceptionally(failure);
            } else {
                started.complete(seq);
            }
        });
        return started;
    }

    /** Keys remembered. */
    int size() {
        synchronized (outcomes) {
            return outcomes.size();
        }
    }

    /** Records a send known to be stored (from the results log), as {@link KeyedSend#recorded()} wrote it. */
    void stored(String recorded, long seq) {
        KeyedSend send = KeyedSend.parse(recorded);
        synchronized (outcomes) {
            outcomes.putIfAbsent(send.key(), new Outcome(send.digest(), CompletableFuture.completedFuture(seq)));
        }
    }
}
