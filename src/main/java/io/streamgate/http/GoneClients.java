package io.streamgate.http;

import java.io.IOException;

import org.springframework.web.util.DisconnectedClientHelper;
import reactor.netty.channel.AbortedException;

/**
 * A failure that only says the client went away mid-exchange (it reset its connection: a killed process, a timeout at
 * its end, a dropped network): nobody is left to answer, and it is no failure of the gateway's. Recognised by Spring's
 * own test (the exception's type, or "connection reset by peer" / "broken pipe" in its message) and logged at DEBUG
 * under this class's name, instead of at ERROR with its stack, once per such client.
 */
final class GoneClients {

    private static final DisconnectedClientHelper helper = new DisconnectedClientHelper(GoneClients.class.getName());

    private GoneClients() {
    }

    /**
     * Whether {@code failure} is a client gone away; logged at DEBUG when it is. Only a failure of the connection
     * itself counts (an I/O failure, or Reactor Netty's abort), never one that merely carries such a cause: a failure
     * of Kafka or of another service must still be answered, and logged, as the gateway's.
     */
    static boolean wentAway(Throwable failure) {
        return (failure instanceof IOException || failure instanceof AbortedException)
                && helper.checkAndLogClientDisconnectedException(failure);
    }
}
