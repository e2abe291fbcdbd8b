package io.streamgate.http;

import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Hooks;

/**
 * Keeps the errors Reactor drops after a request has ended out of the error log when they only repeat what was already
 * handled: a slow client's request timeout, answered with 408, or a client gone away ({@link GoneClients}).
 *
 * <p>After the 408, Reactor Netty (1.3.8) signals the same timeout a second time to the request body's subscriber,
 * which already had it ({@code HttpServerOperations.terminateInternal} discards the inbound, whose
 * {@code FluxReceive} hands its stored error on again); a connection reset while a body is read is signalled twice the
 * same way. Reactor logs such a second signal at ERROR, "Operator called default onErrorDropped": one ERROR line per
 * slow or vanished client, so any client that trickles or cuts off its requests could fill the log. Reactor's hooks
 * are global and add up, so this one is installed once per JVM: those two are logged at DEBUG, every other dropped
 * error at ERROR, as Reactor itself would.
 */
final class DroppedRequestErrors {

    private static final Logger log = LoggerFactory.getLogger(DroppedRequestErrors.class);
    private static final AtomicBoolean installed = new AtomicBoolean();

    private DroppedRequestErrors() {
    }

    static void install() {
        if (installed.compareAndSet(false, true)) {
            Hooks.onErrorDropped(DroppedRequestErrors::log);
        }
    }

    static void log(Throwable dropped) {
        if (Problems.isRequestTimeout(dropped)) {
            log.debug("A request timeout signalled again after its 408 (dropped): {}", dropped.toString());
        } else if (!GoneClients.wentAway(dropped)) {
            log.error("Operator called default onErrorDropped", dropped);
        }
    }
}
