package io.streamgate.stream;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The outcome of one stream's recent sends by their {@code Idempotency-Key}, so a client that retries (after a
 * timeout, say) gets the first attempt's seq instead of storing the chunk twice. Bounded: the oldest keys are
 * forgotten first. Completed keys are also learned from the results log, so they survive a gateway restart and are
 * known to every gateway node.
 */
final class IdempotencyKeys {

    private final Map<String, CompletableFuture<Long>> outcomes;

    IdempotencyKeys(int capacity) {
        this.outcomes = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<Long>> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * The outcome for {@code key}: the earlier attempt's (done or still in flight), or a new attempt started now.
     * A failed attempt is forgotten, so the next retry tries again.
     */
    CompletableFuture<Long> outcome(String key, Supplier<CompletableFuture<Long>> attempt) {
        CompletableFuture<Long> started;
        synchronized (outcomes) {
            CompletableFuture<Long> earlier = outcomes.get(key);
            if (earlier != null) {
                return earlier;
            }
            started = new CompletableFuture<>();
            outcomes.put(key, started);
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
                    outcomes.remove(key, started);
                }
                started.completeExceptionally(failure);
            } else {
                started.complete(seq);
            }
        });
        return started;
    }

    /** Records a send known to be stored (from the results log). */
    void stored(String key, long seq) {
        synchronized (outcomes) {
            outcomes.putIfAbsent(key, CompletableFuture.completedFuture(seq));
        }
    }
}
