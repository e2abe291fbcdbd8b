package io.streamgate.support;

import io.streamgate.kafka.TestKafka;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole gateway (HTTP, processor, results feed) on a random port against the tests' real Kafka broker.
 * Subclasses share one running application; heartbeats are fast so tests need not wait 15 s for one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.stream.heartbeat-interval=300ms",
        "streamgate.kafka.requests-topic=it.requests",
        "streamgate.kafka.results-topic=it.results",
        "streamgate.kafka.processor-group=it-processor",
        "streamgate.kafka.partitions=4"})
@Import(ReverseProcessorPlugin.class)
public abstract class GatewayIT {

    public static final String REQUESTS_TOPIC = "it.requests";

    @LocalServerPort
    protected int port;

    protected StreamClient client;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    @BeforeEach
    void connect() {
        client = new StreamClient(port);
    }
}
