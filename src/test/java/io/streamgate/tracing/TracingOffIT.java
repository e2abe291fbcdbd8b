package io.streamgate.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.handler.TracingObservationHandler;
import io.streamgate.kafka.TestKafka;
import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * By default (no OTLP endpoint, no {@code management.tracing.export.enabled}) tracing is off: no Streamgate spans, and
 * none of Micrometer Tracing's observation handlers either (Boot would keep them around a no-op tracer).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "streamgate.kafka.requests-topic=it.tracing-off.requests",
        "streamgate.kafka.results-topic=it.tracing-off.results",
        "streamgate.kafka.processor-group=it-tracing-off-processor",
        "streamgate.kafka.partitions=1"})
class TracingOffIT {

    @LocalServerPort
    private int port;

    @Autowired
    private ApplicationContext context;

    @Autowired
    private StreamTracing tracing;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("streamgate.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    @Test
    void shouldLeaveEveryTracingHandlerOutAndStillServe() {
        assertThat(tracing).isSameAs(StreamTracing.OFF);
        assertThat(context.getBeansOfType(TracingObservationHandler.class)).as("tracing observation handlers")
                .isEmpty();
        StreamClient client = new StreamClient(port);
        String id = client.start("untraced-" + System.nanoTime());
        assertThat(client.send(id, "not traced")).isNotNegative();
        client.end(id);
    }
}
