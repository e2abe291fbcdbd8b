package io.streamgate.kafka;

import java.util.function.Supplier;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One lookup shared by everyone who asks for it at about the same time: a caller gets the answer of the first lookup
 * sent after it asked, never an older one, so what it learns is at least as fresh as its question. Callers who ask
 * while a lookup is in flight wait for the next, which is sent when that one ends. So at most one lookup runs at a
 * time however many callers there are: a thousand requests arriving at once cost two lookups, not a thousand.
 */
final class SharedLookup<T> {

    private final Supplier<Mono<T>> lookup;
    /** Callers waiting for a lookup not sent yet; null when there are none. Guarded by {@code this}. */
    private Sinks.One<T> waiting;
    private boolean inFlight;

    SharedLookup(Supplier<Mono<T>> lookup) {
        this.lookup = lookup;
    }

    /** The answer of a lookup sent after this Mono is subscribed to. */
    Mono<T> next() {
        return Mono.defer(() -> {
            Sinks.One<T> answer;
            boolean sendNow;
            synchronized (this) {
                if (waiting == null) {
                    waiting = Sinks.one();
                }
                answer = waiting;
                sendNow = !inFlight;
                if (sendNow) {
                    inFlight = true;
                    waiting = null;
                }
            }
            if (sendNow) {
                send(answer);
            }
            return answer.asMono();
        });
    }

    private void send(Sinks.One<T> answer) {
        Mono.defer(lookup)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("The lookup ended without an answer")))
                .doFinally(signal -> sendNextIfWaiting())
                .subscribe(answer::tryEmitValue, answer::tryEmitError);
    }

    private void sendNextIfWaiting() {
        Sinks.One<T> answer;
        synchronized (this) {
            answer = waiting;
            waiting = null;
            inFlight = answer != null;
        }
        if (answer != null) {
            send(answer);
        }
    }
}
