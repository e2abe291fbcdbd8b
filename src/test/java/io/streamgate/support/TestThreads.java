package io.streamgate.support;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Threads for tests' blocking clients (senders, readers that block until an event). Not the common fork-join pool:
 * it has as few as one thread on small machines, and blocking tasks queued behind each other there can wait on each
 * other forever.
 */
public final class TestThreads {

    public static final ExecutorService BLOCKING = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "test-client");
        thread.setDaemon(true);
        return thread;
    });

    private TestThreads() {
    }
}
