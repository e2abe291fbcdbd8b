package io.streamgate.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Where an open gateway (no keys) listens, decided once for each of its servers: on loopback, unless its address
 * property names another address. It binds the server there, warning either way. The API server's tells
 * {@link LocalCallersOnly} whether the loopback names rule applies, so the two cannot disagree; the management
 * server's ({@code management.server.port}) follows the same rule, since on an open gateway every caller may read
 * every metric: Boot had bound it to every interface.
 *
 * @param open              no API keys or JWTs are configured
 * @param configuredAddress the server's address property, or {@code null} when unset
 * @param server            which server it binds
 */
record OpenGatewayAddress(boolean open, String configuredAddress, Server server)
        implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

    private static final Logger log = LoggerFactory.getLogger(OpenGatewayAddress.class);

    /** A server of the gateway: the property that names its address, and what anyone reaching it could do. */
    enum Server {
        API("server.address", "it", "use every stream"),
        MANAGEMENT("management.server.address", "the management port", "read every metric");

        final String addressProperty;
        final String named;
        final String exposes;

        Server(String addressProperty, String named, String exposes) {
            this.addressProperty = addressProperty;
            this.named = named;
            this.exposes = exposes;
        }
    }

    /** The API server's, {@code configuredAddress} being {@code server.address}. */
    OpenGatewayAddress(boolean open, String configuredAddress) {
        this(open, configuredAddress, Server.API);
    }

    /** Whether the server listens on a loopback address only: unset means loopback, for an open gateway. */
    boolean loopback() {
        try {
            return configuredAddress == null || InetAddress.getByName(configuredAddress).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // the server will not start on it either
        }
    }

    @Override
    public void customize(NettyReactiveWebServerFactory factory) {
        if (!open) {
            return;
        }
        if (configuredAddress != null) {
            log.warn("No API keys are configured (streamgate.security.api-keys) and {} is {}: anyone who can reach it"
                    + " can {}.", server.addressProperty, configuredAddress, server.exposes);
            return;
        }
        factory.setAddress(InetAddress.getLoopbackAddress());
        log.warn("No API keys are configured (streamgate.security.api-keys): the API is open, so {} listens on {} "
                + "only. Configure keys, or set {} to listen elsewhere.", server.named,
                InetAddress.getLoopbackAddress().getHostAddress(), server.addressProperty);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after Boot's own customizer has applied the address property
    }
}
