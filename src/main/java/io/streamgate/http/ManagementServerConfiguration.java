package io.streamgate.http;

import io.streamgate.config.StreamgateProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * The management server, when {@code management.server.port} gives the actuator a port of its own (Spring Boot runs it
 * in a child of the application's context). Boot gives that server none of the API server's customizers, and its
 * WebFlux dispatcher finds the application's router functions through the parent context (Spring Boot issue 14012):
 * before this, the whole stream API answered on the management port, past the connection cap and with no request
 * timeout. Here the port gets the API's Netty-level limits, with a connection cap of its own, and serves the actuator
 * only ({@link ActuatorOnly}).
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class ManagementServerConfiguration {

    /** The management port's connection cap, apart from the API's: a full API port leaves health checks room. */
    static final String LIMIT = "max-management-connections";

    /** The API server's limits, and its routes before Spring's (a malformed target, {@code OPTIONS *}, CONNECT). */
    @Bean
    WebServerFactoryCustomizer<NettyReactiveWebServerFactory> managementServerLimits(ServerLimits limits,
            StreamgateProperties properties, ObjectProvider<NettyRouteProvider> routesBeforeSpring) {
        return factory -> {
            factory.addServerCustomizers(limits.forServer(properties.limits().maxManagementConnections(), LIMIT));
            routesBeforeSpring.orderedStream().forEach(factory::addRouteProviders);
        };
    }

    @Bean
    ActuatorOnly actuatorOnly(PathMappedEndpoints endpoints) {
        return new ActuatorOnly(endpoints.getBasePath(), endpoints.getAllPaths());
    }
}
