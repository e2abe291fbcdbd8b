package io.streamgate.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

import reactor.core.publisher.Mono;

/**
 * Items served a batch at a time: those that come while a batch is under way wait for the next, which takes all of
 * them. A burst of items (the retries that follow an outage) costs a few batches, not one each. Bounded by what adds
 * items: the appends in flight ({@code max-sends-in-flight}) and a processor's records in hand.
 *
 * @param <T> an item, which the batch answers
 */
final class BatchQueue<T> {

    private final Function<List<T>, Mono<?>> batch;
    private final BiConsumer<List<T>, Throwable> failed;
    private List<T> waiting = new ArrayList<>();
    private boolean busy;

    /**
     * @param batch  serves the items given it, answering each, when subscribed; its failure answers none of them
     * @param failed answers the items of a batch that failed
     */
    BatchQueue(Function<List<T>, Mono<?>> batch, BiConsumer<List<T>, Throwable> failed) {
        this.batch = batch;
        this.failed = failed;
    }

    void add(T item) {
        synchronized (this) {
            waiting.add(item);
            if (busy) {
                return;
            }
            busy = true;
        }
        serveWaiting();
    }

    /** Serves the items waiting, and once done those that came meanwhile; none, and the queue is idle. */
    private void serveWaiting() {
        List<T> taken;
        synchronized (this) {
            taken = waiting;
            waiting = new ArrayList<>();
            busy = !taken.isEmpty();
        }
        if (taken.isEmpty()) {
            return;
        }
        Mono.defer(() -> batch.apply(taken))
                .doFinally(signal -> serveWaiting())
                .subscribe(served -> { }, failure -> failed.accept(taken, failure));
    }
}
