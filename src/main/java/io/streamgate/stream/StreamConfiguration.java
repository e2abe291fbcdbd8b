package io.streamgate.stream;

import java.time.Clock;
import java.util.Set;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamgate.config.HeapDefaults;
import io.streamgate.config.Role;
import io.streamgate.config.StreamgateProperties;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.processing.ProcessorCatalog;
import io.streamgate.security.ApiAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger log = LoggerFactory.getLogger(StreamConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    StreamRegistry streamRegistry(StreamgateProperties properties, Clock clock) {
        if (properties.roles().contains(Role.GATEWAY)) {
            HeapDefaults.overHalf(properties.stream(), properties.limits(), HeapDefaults.maxHeap()).ifPresent(log::warn);
        }
        return registryFor(properties.roles(), properties.stream(), clock);
    }

    /**
     * A gateway's registry holds what its readers and retried sends need: histories and Idempotency-Keys within their
     * budgets, ended streams for their retention. A processor-only instance has no readers and no sends; it follows
     * the streams only to end the idle ones it owns, by when they were last active. So its registry keeps no result's
     * text and forgets a stream once it has ended, where with a gateway's bounds it held up to their budgets' sum (640
     * MB at the defaults on a heap of 2 GB or more) for nothing.
     */
    static StreamRegistry registryFor(Set<Role> roles, StreamgateProperties.Stream stream, Clock clock) {
        if (!roles.contains(Role.GATEWAY)) {
            return StreamRegistry.withoutResults(clock);
        }
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
                                Clock clock, ResultsVisibility visibility, ApiAccess access) {
        StreamgateProperties.Limits limits = properties.limits();
        BoundedCommandLog boundedLog = new BoundedCommandLog(commandLog, limits.maxSendsInFlight(),
                limits.maxSendsInFlightPerTenant(access.oneTenant()), limits.maxBytesInFlight().toBytes());
        Gauge.builder("streamgate.sends.in-flight", boundedLog::inFlight)
                .description("Commands waiting for Kafka's acknowledgement").register(meters);
        return new StreamService(registry, boundedLog, catalog, new StreamIdGenerator(), metrics,
                new StreamLimits(limits.openStreamsPerTenant(), limits.openStreams(), limits.sendsPerSecondPerTenant(),
                        limits.readersPerStream(), limits.readersPerTenant(access.oneTenant()), clock),
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
