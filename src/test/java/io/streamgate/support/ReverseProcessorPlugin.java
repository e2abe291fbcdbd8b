package io.streamgate.support;

import io.streamgate.processing.Chunk;
import io.streamgate.processing.Output;
import io.streamgate.processing.StreamContext;
import io.streamgate.processing.StreamProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Flux;

/** A user's own processor, added the way the README says: as a Spring bean. */
@TestConfiguration(proxyBeanMethods = false)
public class ReverseProcessorPlugin {

    @Bean
    StreamProcessor reverseProcessor() {
        return new StreamProcessor() {
            @Override
            public String name() {
                return "reverse";
            }

            @Override
            public Flux<Output> onChunk(Chunk chunk, StreamContext stream) {
                return Flux.just(Output.of(new StringBuilder(chunk.data()).reverse().toString()));
            }
        };
    }
}
