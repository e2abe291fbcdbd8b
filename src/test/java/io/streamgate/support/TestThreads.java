package io.streamgate.support;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Threads for tests' blocking clients (senders, readers that block until an event). Not the common fork-join pool:
 * it has as few as one thread on small machines, and blocking tasks queued behind each other there can wait on each
 * other forever. Not Reactor's {@code boundedElastic} either: the gateway under test runs in the same JVM and needs
 * that scheduler to answer (actuator endpoints and health indicators run there), and it has only ten threads per
 * core. Test clients blocking on it until the gateway answers left the gateway no thread to answer with: 40 kept-alive
 * connections waiting for a liveness check hung every one of them.
 */
public final class TestThreads {

    public static final ExecutorService BLOCKING = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "test-client");
        thread.setDaemon(true);
        return thread;
    });

    /** {@link #BLOCKING} as a Reactor scheduler, for {@code subscribeOn} of blocking test clients. */
    public static final Scheduler CLIENTS = Schedulers.fromExecutorService(BLOCKING, "test-clients");

    private TestThreads() {
    }
}
