package io.streamgate.http;

import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Hooks;

/**
 * Keeps a slow client's request timeout, already answered with 408, out of the error log.
 *
 * <p>After the 408, Reactor Netty (1.3.8) signals the same timeout a second time to the request body's subscriber,
 * which already had it ({@code HttpServerOperations.terminateInternal} discards the inbound, whose
 * {@code FluxReceive} hands its stored error on again). Reactor logs such a second signal at ERROR, "Operator called
 * default onErrorDropped": one ERROR line per slow client, so any client that trickles its requests could fill the
 * log. Reactor's hooks are global and add up, so this one is installed once per JVM: a dropped request timeout is
 * logged at DEBUG, every other dropped error at ERROR, as Reactor itself would.
 */
final class DroppedRequestTimeouts {

    private static final Logger log = LoggerFactory.getLogger(DroppedRequestTimeouts.class);
    private static final AtomicBoolean installed = new AtomicBoolean();

    private DroppedRequestTimeouts() {
    }

    static void install() {
        if (installed.compareAndSet(false, true)) {
            Hooks.onErrorDropped(DroppedRequestTimeouts::log);
        }
    }

    static void log(Throwable dropped) {
        if (Problems.isRequestTimeout(dropped)) {
            log.debug("A request timeout signalled again after its 408 (dropped): {}", dropped.toString());
        } else {
            log.error("Operator called default onErrorDropped", dropped);
        }
    }
}
