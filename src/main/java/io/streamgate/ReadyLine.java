package io.streamgate;

import java.net.InetAddress;
import java.util.stream.Collectors;

import io.streamgate.config.Role;
import io.streamgate.config.StreamgateProperties;
import io.streamgate.security.ApiAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * One line, once the application is ready, that tells an operator where it answers and how it runs: the URL, the
 * roles, which Kafka, and whether the API is open.
 */
@Component
class ReadyLine implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(ReadyLine.class);

    private final StreamgateProperties properties;
    private final ApiAccess access;
    private final Environment environment;

    ReadyLine(StreamgateProperties properties, ApiAccess access, Environment environment) {
        this.properties = properties;
        this.access = access;
        this.environment = environment;
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
        String where = url(web.getWebServer().getPort());
        if (properties.roles().contains(Role.GATEWAY)) {
            log.info("Streamgate ready on {} ({}, {}, {})", where, roles, kafka, access.describe());
        } else {
            log.info("Streamgate ready: {} on {}; health on {}/actuator/health", roles, kafka, where);
        }
    }

    private String url(int port) {
        String address = environment.getProperty("server.address");
        if (address == null) {
            // An open gateway listens on loopback only (SecurityConfiguration); a keyed one on every interface.
            address = access.open() ? InetAddress.getLoopbackAddress().getHostAddress() : "0.0.0.0";
        }
        String scheme = environment.getProperty("server.ssl.enabled", Boolean.class, false)
                || environment.getProperty("server.ssl.bundle") != null ? "https" : "http";
        return scheme + "://" + address + ":" + port;
    }
}
