package io.streamgate.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Where an open gateway (no keys) listens, decided once: on loopback, unless {@code server.address} names another
 * address. It binds the server there, warning either way, and tells {@link LocalCallersOnly} whether the loopback
 * names rule applies, so the two cannot disagree.
 *
 * @param open              no API keys or JWTs are configured
 * @param configuredAddress {@code server.address}, or {@code null} when unset
 */
record OpenGatewayAddress(boolean open, String configuredAddress)
        implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

    private static final Logger log = LoggerFactory.getLogger(OpenGatewayAddress.class);

    /** Whether the gateway listens on a loopback address only: unset means loopback, for an open gateway. */
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
            log.warn("No API keys are configured (streamgate.security.api-keys) and server.address is {}: "
                    + "anyone who can reach it can use every stream.", configuredAddress);
            return;
        }
        factory.setAddress(InetAddress.getLoopbackAddress());
        log.warn("No API keys are configured (streamgate.security.api-keys): the API is open, so it listens on {} "
                + "only. Configure keys, or set server.address to listen elsewhere.",
                InetAddress.getLoopbackAddress().getHostAddress());
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after Boot's own customizer has applied server.address
    }
}
