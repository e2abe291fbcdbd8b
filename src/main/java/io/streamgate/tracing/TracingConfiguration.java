package io.streamgate.tracing;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.context.Context;
import io.prometheus.metrics.tracer.common.SpanContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Streamgate's spans when tracing is on (see {@link TracingOff}), else {@link StreamTracing#OFF}; and the lookups that
 * tracing libraries make on first use, made at start-up so that none is made first on an event loop.
 */
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
        loadContextStorage();
        return new MicrometerStreamTracing(available, propagation);
    }

    /**
     * Looks up the tracer behind the Prometheus exemplars now, at start-up. Boot's span context for them finds its
     * tracer on first use, under a lock, when a timer records: the first requests' timers, stopped on two event loops at
     * once, met on that lock and one event loop parked (BlockHound stopped it, inside a request's observation, in a CI
     * run). Absent when exemplars are off or there is no Prometheus registry.
     */
    @Bean
    SmartInitializingSingleton exemplarTracerLookedUp(ObjectProvider<SpanContext> exemplarSpanContext) {
        return () -> exemplarSpanContext.ifAvailable(SpanContext::isCurrentSpanSampled);
    }

    /**
     * Loads OpenTelemetry's context storage now, at start-up. It is loaded on first use, through a ServiceLoader that
     * reads jars: by default on the event loop of the first traced request, where it blocks (and where BlockHound's
     * error left the class unusable, failing every traced request with 500 in a TracingIT run).
     */
    private static void loadContextStorage() {
        Context.current();
    }
}
