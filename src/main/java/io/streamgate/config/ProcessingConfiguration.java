package io.streamgate.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import io.streamgate.metrics.ProcessingMeters;
import io.streamgate.processing.ProcessorCatalog;
import io.streamgate.processing.StreamProcessor;
import io.streamgate.processing.builtin.EchoProcessor;
import io.streamgate.processing.builtin.FilterProcessor;
import io.streamgate.processing.builtin.HttpProcessor;
import io.streamgate.processing.builtin.SplitProcessor;
import io.streamgate.processing.builtin.UppercaseProcessor;
import io.streamgate.processing.builtin.WordCountProcessor;
import io.streamgate.processing.engine.ProcessingMetrics;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.http.codec.json.JacksonJsonEncoder;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.DefaultUriBuilderFactory;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * The processors a stream can name, built-in and users' own (any {@link StreamProcessor} bean), and what they need.
 * Gateways check names and options against the same catalog when a stream starts.
 */
@Configuration(proxyBeanMethods = false)
class ProcessingConfiguration {

    @Bean
    UppercaseProcessor uppercaseProcessor() {
        return new UppercaseProcessor();
    }

    @Bean
    EchoProcessor echoProcessor() {
        return new EchoProcessor();
    }

    @Bean
    WordCountProcessor wordCountProcessor() {
        return new WordCountProcessor();
    }

    @Bean
    FilterProcessor filterProcessor() {
        return new FilterProcessor();
    }

    @Bean
    SplitProcessor splitProcessor() {
        return new SplitProcessor();
    }

    /** Its connections to the service, bounded, owned by the context. */
    @Bean(destroyMethod = "dispose")
    ConnectionProvider httpProcessorConnections(StreamgateProperties properties) {
        return ConnectionProvider.builder("http-processor")
                .maxConnections(properties.processing().http().maxConnections())
                // Calls beyond the connections wait; the engine bounds how many can (streams per partition).
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(properties.processing().chunkTimeout())
                .maxIdleTime(Duration.ofSeconds(30))
                .build();
    }

    @Bean
    HttpProcessor httpProcessor(StreamgateProperties properties, ConnectionProvider httpProcessorConnections,
                                JsonMapper json) {
        String url = properties.processing().http().url();
        if (url.isEmpty()) {
            return new HttpProcessor(null, null, json, properties.roles().contains(Role.PROCESSOR));
        }
        HttpClient client = HttpClient.create(httpProcessorConnections)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000);
        // Expanded once: as a WebClient's base URL it was parsed and built again for every call (3.8% of the JVM's CPU
        // under the http processor's benchmark, BENCHMARKS.md section 115).
        URI service = new DefaultUriBuilderFactory(url).expand("");
        WebClient web = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(client))
                .codecs(codecs -> {
                    codecs.defaultCodecs().jacksonJsonDecoder(new JacksonJsonDecoder(json));
                    codecs.defaultCodecs().jacksonJsonEncoder(new JacksonJsonEncoder(json));
                })
                .build();
        return new HttpProcessor(web, service, json, false);
    }

    @Bean
    ProcessorCatalog processorCatalog(List<StreamProcessor> processors, StreamgateProperties properties) {
        return new ProcessorCatalog(processors, properties.stream().defaultProcessor());
    }

    @Bean
    ProcessingMetrics processingMetrics(MeterRegistry meters) {
        return new ProcessingMeters(meters);
    }
}
