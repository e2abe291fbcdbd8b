package io.streamgate;

import java.net.InetAddress;
import java.util.stream.Collectors;

import io.streamgate.config.Role;
import io.streamgate.config.StreamgateProperties;
import io.streamgate.security.ApiAccess;
import io.streamgate.stream.ResultsVisibility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.Disposables;

/**
 * One line, once the application is ready, that tells an operator where it answers and how it runs: the URL, the
 * roles, which Kafka, whether the API is open, and the actuator's URL when it has a port of its own
 * ({@code management.server.port}; Boot says which in {@code local.management.port} once it has started). Ready
 * means started and through the results log: a restarted instance reads it from its beginning before it knows its
 * streams (its health is down until then), which on a log of days took longer than the start-up itself.
 */
@Component
class ReadyLine implements ApplicationListener<ApplicationReadyEvent>, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ReadyLine.class);

    private final StreamgateProperties properties;
    private final ApiAccess access;
    private final Environment environment;
    private final ResultsVisibility results;
    private volatile Disposable awaitingResults = Disposables.disposed();

    ReadyLine(StreamgateProperties properties, ApiAccess access, Environment environment, ResultsVisibility results) {
        this.properties = properties;
        this.access = access;
        this.environment = environment;
        this.results = results;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (!(event.getApplicationContext() instanceof WebServerApplicationContext web) || web.getWebServer() == null) {
            return;
        }
        String roles = properties.roles().stream().map(role -> role.name().toLowerCase()).sorted()
                .collect(Collectors.joining("+"));
        String kafka = properties.kafka().embedded()
                ? "embedded Kafka (data in " + properties.broker().dataDir() + ")"
                : "Kafka at " + properties.kafka().bootstrapServers();
        int port = web.getWebServer().getPort();
        String where = url("server", port);
        // Boot sets it to the server's port when the actuator has no port of its own.
        Integer managementPort = environment.getProperty("local.management.port", Integer.class);
        boolean ownPort = managementPort != null && managementPort != port;
        String actuator = (ownPort ? url("management.server", managementPort) : where) + "/actuator";
        awaitingResults = results.awaitReplayed().subscribe(null, null, () -> {
            if (properties.roles().contains(Role.GATEWAY)) {
                log.info("Streamgate ready on {} ({}, {}, {}){}", where, roles, kafka, access.describe(),
                        ownPort ? "; actuator on " + actuator : "");
            } else {
                log.info("Streamgate ready: {} on {}; health on {}/health", roles, kafka, actuator);
            }
        });
    }

    @Override
    public void destroy() {
        awaitingResults.dispose();
    }

    /** The URL of the server whose properties start with {@code prefix} ({@code server}, {@code management.server}). */
    private String url(String prefix, int port) {
        String address = environment.getProperty(prefix + ".address");
        if (address == null) {
            // An open gateway listens on loopback only, both ports (OpenGatewayAddress); a keyed one everywhere.
            address = access.open() ? InetAddress.getLoopbackAddress().getHostAddress() : "0.0.0.0";
        }
        String scheme = environment.getProperty(prefix + ".ssl.enabled", Boolean.class, false)
                || environment.getProperty(prefix + ".ssl.bundle") != null ? "https" : "http";
        return scheme + "://" + address + ":" + port;
    }
}
