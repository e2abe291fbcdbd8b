package io.streamgate.http;

import io.streamgate.config.StreamgateProperties;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.stream.StreamService;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** Wires the HTTP layer. */
@Configuration(proxyBeanMethods = false)
class HttpConfiguration {

    @Bean
    StreamHandler streamHandler(StreamService streams, StreamgateProperties properties, StreamMetrics metrics) {
        StreamgateProperties.Stream stream = properties.stream();
        return new StreamHandler(streams, new JsonBodies(), new SseEvents(stream.heartbeatInterval(), metrics),
                stream.maxChunkSize().toBytes());
    }

    @Bean
    ProblemExceptionHandler problemExceptionHandler(JsonMapper json) {
        return new ProblemExceptionHandler(new Problems(), json);
    }
}
