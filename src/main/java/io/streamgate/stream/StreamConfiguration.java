package io.streamgate.stream;

import java.time.Clock;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamgate.config.StreamgateProperties;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.processing.ProcessorCatalog;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** Wires the streams a gateway serves: registry, service, limits, expiry and drain on shutdown. */
@Configuration(proxyBeanMethods = false)
class StreamConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    StreamRegistry streamRegistry(StreamgateProperties properties, Clock clock) {
        StreamgateProperties.Stream stream = properties.stream();
        return new StreamRegistry(stream.historyLimit(), stream.historySize().toBytes(),
                stream.historyBudget().toBytes(), stream.idempotencyBudget().toBytes(), stream.endedRetention(),
                clock);
    }

    @Bean
    StreamMetrics streamMetrics(MeterRegistry meters, StreamRegistry registry) {
        // The budgets' shares: what each open stream keeps now shrinks as streams open; these tell an operator when.
        Gauge.builder("streamgate.streams.history.share", registry::historyShareBytes).baseUnit("bytes")
                .description("Heap each open stream's results may take now, its share of history-budget")
                .register(meters);
        Gauge.builder("streamgate.streams.idempotency.keys.share", registry::idempotencyKeysShare)
                .description("Idempotency-Keys each open stream that sends keys remembers now at most, 1,024 or "
                        + "its share of idempotency-budget")
                .register(meters);
        return new StreamMetrics(meters, registry::openStreams);
    }

    @Bean
    StreamService streamService(StreamRegistry registry, CommandLog commandLog, ProcessorCatalog catalog,
                                StreamMetrics metrics, MeterRegistry meters, StreamgateProperties properties,
                                Clock clock, ResultsVisibility visibility) {
        StreamgateProperties.Limits limits = properties.limits();
        BoundedCommandLog boundedLog = new BoundedCommandLog(commandLog, limits.maxSendsInFlight());
        Gauge.builder("streamgate.sends.in-flight", boundedLog::inFlight)
                .description("Commands waiting for Kafka's acknowledgement").register(meters);
        return new StreamService(registry, boundedLog, catalog, new StreamIdGenerator(), metrics,
                new StreamLimits(limits.openStreamsPerTenant(), limits.openStreams(), limits.sendsPerSecondPerTenant(),
                        limits.readersPerStream(), limits.readersPerTenant(), clock),
                clock, Schedulers.parallel(), visibility);
    }

    @Bean
    StreamExpiry streamExpiry(StreamRegistry registry, StreamService service, ResultsVisibility visibility,
                              StreamgateProperties properties, Clock clock, ObjectProvider<StreamOwnership> ownership) {
        StreamgateProperties.Stream stream = properties.stream();
        return new StreamExpiry(registry, service, visibility, stream.idleTimeout(),
                stream.endedHistoryBudget().toBytes(), clock, ownership.getIfAvailable(StreamOwnership::none));
    }

    /**
     * Drains this node before the web server's graceful shutdown phase: no new streams, and readers told to
     * reconnect. SSE responses never finish by themselves, so without this a graceful shutdown would wait its whole
     * grace period ({@code spring.lifecycle.timeout-per-shutdown-phase}) for them.
     */
    @Bean
    SmartLifecycle drainOnShutdown(StreamService service) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                service.resume();
                running = true;
            }

            @Override
            public void stop() {
                running = false;
                service.drain();
            }

            @Override
            public boolean isRunning() {
                return running;
            }
        };
    }

    @Bean
    SmartLifecycle streamExpiryLifecycle(StreamExpiry expiry) {
        return new SmartLifecycle() {
            private volatile Disposable sweeping;
            private volatile Scheduler thread;

            @Override
            public void start() {
                thread = Schedulers.newSingle("stream-expiry", true);
                sweeping = expiry.run(expiry.sweepInterval(), thread).subscribe();
            }

            @Override
            public void stop() {
                sweeping.dispose();
                sweeping = null;
                thread.dispose();
            }

            @Override
            public boolean isRunning() {
                return sweeping != null;
            }
        };
    }
}
