package io.streamgate.stream;

import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Gives back what an admission took, once, on whichever signal comes first. Held slots are released as an answer
 * comes ({@code doOnTerminate}, or {@code doOnCancel} when the client goes first), before it goes on to the client:
 * released after it ({@code doFinally}), a client answered at a bound and asking again at once could be refused by
 * its own finished request.
 */
public final class Once extends AtomicBoolean implements Runnable {

    private final Runnable release;

    public Once(Runnable release) {
        this.release = release;
    }

    /** {@code source}, running this as it ends (a value, a completion, a failure or a cancel), before the end goes on. */
    public <T> Mono<T> onEnd(Mono<T> source) {
        return source.doOnTerminate(this).doOnCancel(this);
    }

    /** {@code source}, running this as it ends (a completion, a failure or a cancel), before the end goes on. */
    public <T> Flux<T> onEnd(Flux<T> source) {
        return source.doOnTerminate(this).doOnCancel(this);
    }

    @Override
    public void run() {
        if (compareAndSet(false, true)) {
            release.run();
        }
    }
}
