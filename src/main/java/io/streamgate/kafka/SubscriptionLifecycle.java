package io.streamgate.kafka;

import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;

/** A long-running subscription owned by the application context: subscribed on start, disposed on stop. */
abstract class SubscriptionLifecycle implements SmartLifecycle {

    private volatile Disposable running;

    /** Starts the work; the returned handle is disposed when the context stops. */
    protected abstract Disposable subscribe();

    @Override
    public void start() {
        running = subscribe();
    }

    @Override
    public void stop() {
        Disposable current = running;
        running = null;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running != null;
    }
}
