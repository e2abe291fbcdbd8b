package io.streamgate.kafka;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.kafka.KafkaContainer;

/** The suite's broker scenarios on Apache Kafka's own image (KRaft), the version of the clients we pin. */
class KafkaContainerIT extends ContainerBrokerIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.2.1");

    @DynamicPropertySource
    static void broker(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", KAFKA::getBootstrapServers);
        registry.add("streamgate.kafka.requests-topic", () -> "container.requests");
        registry.add("streamgate.kafka.results-topic", () -> "container.results");
    }
}
