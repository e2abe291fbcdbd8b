package io.streamgate.kafka;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.redpanda.RedpandaContainer;

/** The suite's broker scenarios on Redpanda, the broker of the demo stack (same version as compose.yaml). */
class RedpandaContainerIT extends ContainerBrokerIT {

    @Container
    static final RedpandaContainer REDPANDA = new RedpandaContainer("docker.redpanda.com/redpandadata/redpanda:v25.2.10");

    @DynamicPropertySource
    static void broker(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", REDPANDA::getBootstrapServers);
        registry.add("streamgate.kafka.requests-topic", () -> "redpanda.requests");
        registry.add("streamgate.kafka.results-topic", () -> "redpanda.results");
    }
}
