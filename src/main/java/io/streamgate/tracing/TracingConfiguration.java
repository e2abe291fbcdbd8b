package io.streamgate.tracing;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Streamgate's spans when tracing is on (see {@link TracingOff}), else {@link StreamTracing#OFF}. */
@Configuration(proxyBeanMethods = false)
class TracingConfiguration {

    @Bean
    StreamTracing streamTracing(Environment environment, ObjectProvider<Tracer> tracer,
                                ObjectProvider<Propagator> propagator) {
        boolean enabled = environment.getProperty(TracingOff.SWITCH, Boolean.class, true);
        Tracer available = tracer.getIfAvailable();
        Propagator propagation = propagator.getIfAvailable();
        if (!enabled || available == null || available == Tracer.NOOP || propagation == null
                || propagation == Propagator.NOOP) {
            return StreamTracing.OFF;
        }
        return new MicrometerStreamTracing(available, propagation);
    }
}
