package io.streamgate.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;

/**
 * One reader's position in a stream's {@link ResultLog}, drained only as far as the reader has asked for.
 *
 * <p>Nothing is queued per reader: new results only wake the cursor, which then copies events from the shared log
 * while there is demand. A reader that stops reading therefore costs nothing but this object and what the
 * connection buffers (bounded by Netty's write-buffer high-water mark). One that falls so far behind that the log
 * drops events it has not read yet is closed with an {@code overflow} event: it reconnects with its last id and is
 * told (a {@code gap} event) where the stream resumes. The drain runs on the reader's own
 * worker, never on the results feed's thread, so one slow reader cannot hold up the others.
 *
 * <p>Events leave in batches of what the log holds for the reader when it asks: a processor commits results a
 * transaction at a time, so a reader usually has several ready at once, and one batch is one write and one flush
 * of its connection instead of one each (flushes were a third of the event loops' time at 20,000 results/s).
 */
final class ResultCursor implements Runnable {

    /**
     * Bounds on a batch: what a reader's connection may be handed beyond its write-buffer high-water mark. A batch
     * holds at least one event, however large, and otherwise never more than these.
     */
    static final int MAX_BATCH_EVENTS = 128;
    static final int MAX_BATCH_BYTES = 16 * 1024;

    private final StreamSession session;
    private final FluxSink<List<ResultEvent>> sink;
    private final Scheduler.Worker worker;
    private final AtomicInteger wip = new AtomicInteger();
    private long position;
    private long lastDeliveredId;
    private ResultEvent pendingGap;
    private boolean done;
    private volatile boolean disconnecting;

    private ResultCursor(StreamSession session, FluxSink<List<ResultEvent>> sink, Scheduler.Worker worker,
                         long position, long lastDeliveredId, ResultEvent pendingGap) {
        this.session = session;
        this.sink = sink;
        this.worker = worker;
        this.position = position;
        this.lastDeliveredId = lastDeliveredId;
        this.pendingGap = pendingGap;
    }

    /**
     * The events of {@code session} after {@code lastEventId} (from the oldest held event when it is
     * {@link ResultEvent#NO_ID}), ending with the stream's end event, in batches that are never empty. An id the log
     * does not hold starts from the oldest held event, announced by a {@code gap} event.
     *
     * <p>The cursor emits only what was asked for, so its sink needs no buffer: the default one would hold an empty
     * 256-slot queue (1 KB) for every reader.
     */
    static Flux<List<ResultEvent>> read(StreamSession session, long lastEventId, Scheduler scheduler) {
        return Flux.create(sink -> {
            ResultLog.Resume resume = session.log().resume(lastEventId);
            Scheduler.Worker worker = scheduler.createWorker();
            ResultCursor cursor = new ResultCursor(session, sink, worker, resume.position(), lastEventId,
                    resume.gap());
            session.attach(cursor);
            sink.onRequest(ignored -> cursor.signal());
            sink.onDispose(() -> {
                session.detach(cursor);
                worker.dispose();
            });
        }, FluxSink.OverflowStrategy.ERROR);
    }

    /** Ends this reader's response with a reconnect event, from any thread. */
    void disconnect() {
        disconnecting = true;
        signal();
    }

    void signal() {
        if (wip.getAndIncrement() == 0) {
            try {
                worker.schedule(this);
            } catch (RejectedExecutionException readerGone) {
                // The reader went away while it was being woken: nothing to deliver, and the results feed that
                // called us must not fail for it.
            }
        }
    }

    @Override
    public void run() {
        int missed = 1;
        do {
            drain();
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void drain() {
        if (disconnecting && !done) {
            done = true;
            if (sink.requestedFromDownstream() > 0) {
                sink.next(List.of(ResultEvent.RECONNECT_AFTER_SHUTDOWN));
            }
            sink.complete();
            return;
        }
        ResultLog log = session.log();
        while (!done && sink.requestedFromDownstream() > 0 && !sink.isCancelled()) {
            List<ResultEvent> batch = nextBatch(log);
            if (batch.isEmpty()) {
                return;
            }
            sink.next(batch);
            if (done) {
                sink.complete();
            }
        }
    }

    /** The events ready for this reader, up to a batch's bounds; ends the reader after its end or an overflow. */
    private List<ResultEvent> nextBatch(ResultLog log) {
        List<ResultEvent> batch = new ArrayList<>();
        if (pendingGap != null) {
            batch.add(pendingGap);
            pendingGap = null;
        }
        int bytes = 0;
        while (!done && batch.size() < MAX_BATCH_EVENTS) {
            ResultEvent event = log.at(position);
            if (event == null || !batch.isEmpty() && bytes + event.bytes() > MAX_BATCH_BYTES) {
                break;
            }
            if (event == ResultLog.EVICTED) {
                done = true;
                batch.add(overflow(lastDeliveredId, log.at(log.start())));
                break;
            }
            batch.add(event);
            bytes += event.bytes();
            position++;
            lastDeliveredId = event.id();
            done = event.kind() == ResultEvent.Kind.END;
        }
        return batch;
    }

    private static ResultEvent overflow(long lastEventId, ResultEvent oldestHeld) {
        return Notices.overflow(lastEventId, idOf(oldestHeld));
    }

    private static long idOf(ResultEvent event) {
        return event == null || !event.hasId() ? ResultEvent.NO_ID : event.id();
    }
}
