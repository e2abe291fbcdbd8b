package io.streamgate.security;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Where the management server listens when {@code management.server.port} gives the actuator a port of its own (Boot
 * runs it in a child context, and applies none of the API server's customizers to it): on an open gateway, loopback
 * too, unless {@code management.server.address} says otherwise ({@link OpenGatewayAddress}); and which names its
 * requests may be addressed to, by that address ({@link ServerOnLoopback}).
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class ManagementServerAddress {

    @Bean
    OpenGatewayAddress managementServerAddress(ApiAccess access, Environment environment) {
        return new OpenGatewayAddress(access.open(), environment.getProperty("management.server.address"),
                OpenGatewayAddress.Server.MANAGEMENT);
    }

    /** The management port's own answer to {@link LocalCallersOnly}'s host rule, which was the API's on both ports. */
    @Bean
    ServerOnLoopback managementServerOnLoopback(OpenGatewayAddress managementServerAddress) {
        return new ServerOnLoopback(managementServerAddress.loopback());
    }
}
