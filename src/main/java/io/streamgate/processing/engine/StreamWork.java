package io.streamgate.processing.engine;

import java.util.ArrayDeque;
import java.util.Deque;

import reactor.core.Disposable;

/** One stream of an assigned partition: its durable state, and its steps waiting to run, one at a time. */
final class StreamWork {

    final String key;
    /**
     * The last state of the stream as stored (or to be stored with the next commit); null for a stream not yet seen.
     * Set through {@link PartitionWork#store}, which counts it.
     */
    StoredStream stored;
    /** What its state takes of the processor's room for states ({@link StateRoom#bytesOf}). */
    long stateBytes;
    final Deque<Step> queue = new ArrayDeque<>();
    /** The step under way, if any. */
    StepRun running;
    /** Waiting for one of its partition's slots. */
    boolean waitingForSlot;
    /** The stream's timer, armed for {@link StoredStream#timerDueAt()}. */
    Disposable timer;
    boolean timerQueued;
    /** Commands done while the stream's start was not yet confirmed, and their bytes ({@link PartitionWork#confirmed}). */
    int doneUnconfirmed;
    long doneUnconfirmedBytes;

    StreamWork(String key) {
        this.key = key;
    }

    void abandon() {
        if (running != null) {
            running.cancel();
            running = null;
        }
        if (timer != null) {
            timer.dispose();
            timer = null;
        }
        queue.clear();
    }

    /** Nothing under way or waiting: an ended stream in this state may be forgotten. */
    boolean idle() {
        return running == null && queue.isEmpty();
    }
}
