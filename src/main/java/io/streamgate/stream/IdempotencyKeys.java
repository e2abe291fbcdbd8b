package io.streamgate.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The outcome of one stream's recent sends by their {@code Idempotency-Key}, so a client that retries (after a
 * timeout, say) gets the first attempt's seq instead of storing the chunk twice. Bounded: the oldest keys are
 * forgotten first. Completed keys are also learned from the results log, so they survive a gateway restart and are
 * known to every gateway node.
 *
 * <p>Each key is remembered with a digest of its send's data: a key used again for other data is refused (422, as
 * the IETF's Idempotency-Key draft has it) rather than answered with the first send's seq, which would acknowledge
 * data that was never stored. The digest travels with the key through Kafka ({@link KeyedSend#recorded()}).
 *
 * <p>A send that failed so that nobody can tell whether Kafka took it (its producer gave up waiting, a
 * {@link CommandLogUnavailableException}) is remembered as uncertain for {@link #UNCERTAIN_FOR}: the next attempt is a
 * retry, which stores the chunk again and learns which copy counts ({@link CommandLog#appendRetry}).
 *
 * <p>Every gateway remembers every open stream's keys, so a remembered key holds no strings: 128 bits of its SHA-256,
 * 96 of its data's and the seq, {@link #HELD_BYTES_PER_KEY} whatever the key's length (BENCHMARKS.md section 69; the
 * key and digest as strings took 255 bytes for a 36-character key, 343 for one of 128). And the keys of all open
 * streams share a budget ({@code idempotency-budget}), as their results share {@code history-budget}: a stream keeps
 * its newest keys, up to its capacity or its share, whichever is fewer, and the keys of its sends under way. Only
 * streams that remember a key share it: a stream whose client sends no keys takes nothing from those that do.
 */
final class IdempotencyKeys {

    /** What a remembered key holds in the heap (load-tests/heap.sh KeyHeap: 123.3-123.9 bytes, whatever its length). */
    static final int HELD_BYTES_PER_KEY = 124;

    /**
     * How long a key whose send failed without telling whether Kafka took it is remembered as such: a retry within it
     * finds out by reading the requests log from the first attempt on ({@link CommandLog#appendRetry}), so it also
     * bounds how much of the log that reads. A retry after it is a new send.
     */
    static final Duration UNCERTAIN_FOR = Duration.ofMinutes(5);

    private final Map<KeyHash, Outcome> outcomes = new LinkedHashMap<>();
    private final int capacity;
    private final LongSupplier maxHeldBytes;
    private final AtomicInteger sharers;
    /** Whether this stream counts among the budget's sharers; guarded by {@link #outcomes}, as is {@link #closed}. */
    private boolean sharing;
    private boolean closed;

    /**
     * @param capacity     the most keys remembered
     * @param maxHeldBytes the heap they may take now, this stream's share of the budget; the newest key and the keys
     *                     of sends under way are kept whatever it is
     * @param sharers      how many open streams remember keys, the budget's divisor: this stream joins them with its
     *                     first key and leaves them when it {@link #close closes}
     */
    IdempotencyKeys(int capacity, LongSupplier maxHeldBytes, AtomicInteger sharers) {
        this.capacity = capacity;
        this.maxHeldBytes = maxHeldBytes;
        this.sharers = sharers;
    }

    /**
     * A send's key and the digest of its data: {@link DataDigest#UNKNOWN} when learned from a record written without
     * one, null when the record's digest is not one this class wrote.
     */
    record KeyedSend(String key, DataDigest digest) {

        static KeyedSend of(String key, String data) {
            return new KeyedSend(key, DataDigest.of(data));
        }

        /** As written to Kafka beside the chunk: {@code <key> <digest>}, unambiguous since a key has no space. */
        String recorded() {
            return key + ' ' + digest.encoded();
        }

        static KeyedSend parse(String recorded) {
            int space = recorded.indexOf(' ');
            return space < 0 ? new KeyedSend(recorded, DataDigest.UNKNOWN)
                    : new KeyedSend(recorded.substring(0, space), DataDigest.parse(recorded.substring(space + 1)));
        }
    }

    /** 128 bits of a key's SHA-256: that two of a stream's 1,024 keys share them has a chance under 2^-100. */
    private record KeyHash(long high, long low) {

        static KeyHash of(String key) {
            ByteBuffer bits = ByteBuffer.wrap(sha256(key));
            return new KeyHash(bits.getLong(), bits.getLong());
        }
    }

    /**
     * 96 bits of a send's data's SHA-256, which tell a key reused by mistake for other data apart; {@code known}
     * false for a key learned from a record written without one.
     */
    record DataDigest(long high, int low, boolean known) {

        private static final int BYTES = 12;
        static final DataDigest UNKNOWN = new DataDigest(0, 0, false);

        static DataDigest of(String data) {
            ByteBuffer bits = ByteBuffer.wrap(sha256(data));
            return new DataDigest(bits.getLong(), bits.getInt(), true);
        }

        /** Null when the text is not a digest {@link #encoded()} wrote. */
        static DataDigest parse(String encoded) {
            byte[] bytes;
            try {
                bytes = Base64.getUrlDecoder().decode(encoded);
            } catch (IllegalArgumentException notBase64) {
                return null;
            }
            if (bytes.length != BYTES) {
                return null;
            }
            ByteBuffer bits = ByteBuffer.wrap(bytes);
            return new DataDigest(bits.getLong(), bits.getInt(), true);
        }

        /** As it travels in Kafka: Base64 (URL-safe, unpadded) of its 12 bytes. */
        String encoded() {
            byte[] bytes = ByteBuffer.allocate(BYTES).putLong(high).putInt(low).array();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
    }

    /**
     * A key's send: {@code attempt} while it runs, then only its {@code seq}, so a remembered key keeps no future; or,
     * when it failed in a way that leaves unknown whether Kafka took it, {@code uncertain} until a retry settles it.
     * The digest's fields are inlined for the same reason, and {@code since} (when the key's first attempt began, kept
     * while it runs and while it is uncertain) shares the seq's field: the booleans fill the object's padding, so an
     * outcome takes no more heap than before uncertain ones were kept.
     *
     * @param seqOrSince the seq once stored; the first attempt's start (epoch milliseconds) while running or uncertain
     */
    private record Outcome(long digestHigh, int digestLow, boolean digestKnown, boolean uncertain, long seqOrSince,
                           CompletableFuture<Long> attempt) {

        static Outcome running(DataDigest digest, long since, CompletableFuture<Long> attempt) {
            return new Outcome(digest.high(), digest.low(), digest.known(), false, since, attempt);
        }

        static Outcome stored(DataDigest digest, long seq) {
            return new Outcome(digest.high(), digest.low(), digest.known(), false, seq, null);
        }

        boolean isFor(DataDigest sent) {
            return !digestKnown || (digestHigh == sent.high() && digestLow == sent.low());
        }

        /** An attempt whose outcome is unknown, recent enough for a retry to find out whether Kafka took it. */
        boolean uncertainAt(long nowMillis) {
            return uncertain && nowMillis - seqOrSince <= UNCERTAIN_FOR.toMillis();
        }

        CompletableFuture<Long> answer() {
            return attempt != null ? attempt : CompletableFuture.completedFuture(seqOrSince);
        }

        Outcome done(long storedSeq) {
            return new Outcome(digestHigh, digestLow, digestKnown, false, storedSeq, null);
        }

        /** This running attempt failed without telling whether Kafka took it. */
        Outcome unknown() {
            return new Outcome(digestHigh, digestLow, digestKnown, true, seqOrSince, null);
        }
    }

    /** Starts a key's send: a first attempt, or a retry of attempts whose outcome is unknown. */
    @FunctionalInterface
    interface Attempt {

        /** {@code since}'s value for a first attempt. */
        long FIRST = -1;

        /**
         * @param since when the first of the key's earlier attempts began, all failed without telling whether Kafka
         *              took them (the retry must then find out: {@link CommandLog#appendRetry}); {@link #FIRST} when
         *              there was none
         */
        CompletableFuture<Long> start(long since);
    }

    /**
     * The outcome for {@code send}: the earlier attempt's (done or still in flight), or a new attempt started now; an
     * {@link IdempotencyKeyReusedException} when the key's earlier send had other data. An attempt that failed is
     * forgotten, so the next one tries again, unless its failure leaves unknown whether Kafka took it (a
     * {@link CommandLogUnavailableException}): then the next attempt within {@link #UNCERTAIN_FOR} is a retry of it.
     */
    CompletableFuture<Long> outcome(KeyedSend send, long nowMillis, Attempt attempt) {
        KeyHash key = KeyHash.of(send.key());
        DataDigest digest = send.digest();
        CompletableFuture<Long> started = new CompletableFuture<>();
        long since;
        Outcome running;
        synchronized (outcomes) {
            Outcome earlier = outcomes.get(key);
            if (earlier != null && !earlier.isFor(digest)) {
                return CompletableFuture.failedFuture(new IdempotencyKeyReusedException("Idempotency-Key '"
                        + send.key() + "' was used for a send with other data; use a new key for new data"));
            }
            if (earlier != null && !earlier.uncertain()) {
                return earlier.answer();
            }
            since = earlier != null && earlier.uncertainAt(nowMillis) ? earlier.seqOrSince() : Attempt.FIRST;
            running = Outcome.running(digest, since == Attempt.FIRST ? nowMillis : since, started);
            outcomes.put(key, running);
            share();
            forgetBeyond(keysAllowed());
        }
        CompletableFuture<Long> sent;
        try {
            sent = attempt.start(since);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((seq, failure) -> {
            boolean unknown = failure != null && (since != Attempt.FIRST
                    || unwrapped(failure) instanceof CommandLogUnavailableException);
            synchronized (outcomes) {
                // Only this attempt's entry: the key may since have been forgotten, or learned from the log.
                outcomes.computeIfPresent(key, (k, now) -> now != running ? now
                        : failure == null ? now.done(seq)
                        : unknown ? now.unknown()
                        : null);
                forgetBeyond(keysAllowed());
            }
            if (failure != null) {
                started.completeExceptionally(failure);
            } else {
                started.complete(seq);
            }
        });
        return started;
    }

    private static Throwable unwrapped(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** Keys remembered. */
    int size() {
        synchronized (outcomes) {
            return outcomes.size();
        }
    }

    /**
     * Records a send known to be stored (from the results log), as {@link KeyedSend#recorded()} wrote it. A digest
     * this class did not write is not remembered: the key's retry is stored again rather than taken for any data.
     */
    void stored(String recorded, long seq) {
        KeyedSend send = KeyedSend.parse(recorded);
        DataDigest digest = send.digest();
        if (digest == null) {
            return;
        }
        KeyHash key = KeyHash.of(send.key());
        synchronized (outcomes) {
            // An uncertain attempt is settled by it; one under way settles itself, and learns the same seq.
            Outcome earlier = outcomes.get(key);
            if (earlier == null || earlier.uncertain()) {
                outcomes.put(key, Outcome.stored(digest, seq));
            }
            share();
            forgetBeyond(keysAllowed());
        }
    }

    /**
     * The stream is no longer open (it ended, or was forgotten before it did): it leaves the budget's sharers, and
     * what it remembers is counted with what ended streams hold from now on.
     */
    void close() {
        synchronized (outcomes) {
            if (!closed && sharing) {
                sharers.decrementAndGet();
            }
            closed = true;
        }
    }

    /** Joins the budget's sharers with the first key, unless closed: a closed stream would never leave them. */
    private void share() {
        if (!sharing && !closed) {
            sharing = true;
            sharers.incrementAndGet();
        }
    }

    /** Forgets the oldest keys beyond this stream's share of the budget, which shrinks as streams open. */
    void trim() {
        synchronized (outcomes) {
            forgetBeyond(keysAllowed());
        }
    }

    /** The heap the remembered keys take, estimated. */
    long heldBytes() {
        return (long) HELD_BYTES_PER_KEY * size();
    }

    private int keysAllowed() {
        return keysWithin(capacity, maxHeldBytes.getAsLong());
    }

    /** The keys a stream of {@code capacity} remembers within {@code heldBytes}: at least one. */
    static int keysWithin(int capacity, long heldBytes) {
        return (int) Math.max(1, Math.min(capacity, heldBytes / HELD_BYTES_PER_KEY));
    }

    /**
     * Forgets the oldest keys beyond {@code keys} whose sends are done. A key whose send is under way stays whatever
     * the share: a client's retry after a timeout comes while it may still run, and must find it. Those are as many
     * as the sends in flight, which {@code max-sends-in-flight} bounds.
     */
    private void forgetBeyond(int keys) {
        Iterator<Outcome> oldestFirst = outcomes.values().iterator();
        for (int beyond = outcomes.size() - keys; beyond > 0 && oldestFirst.hasNext(); ) {
            if (oldestFirst.next().attempt() == null) {
                oldestFirst.remove();
                beyond--;
            }
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }
}
