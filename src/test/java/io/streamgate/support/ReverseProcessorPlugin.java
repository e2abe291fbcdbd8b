package io.streamgate.support;

import io.streamgate.processing.ProcessedChunk;
import io.streamgate.processing.StreamProcessor;
import io.streamgate.processing.StreamState;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

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
            public ProcessedChunk process(String chunk, StreamState state) {
                return ProcessedChunk.of(new StringBuilder(chunk).reverse().toString());
            }
        };
    }
}
