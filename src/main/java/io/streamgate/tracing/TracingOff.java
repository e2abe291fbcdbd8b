package io.streamgate.tracing;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Tracing is on when its spans have somewhere to go, and off means off.
 *
 * <p>On: when {@code management.tracing.export.enabled} is true, or when it is not set and an OTLP endpoint is
 * ({@code management.opentelemetry.tracing.export.otlp.endpoint}, or Boot's older {@code management.otlp.tracing.endpoint}).
 * Spans that nobody receives would cost a tenth of the gateway's sends (BENCHMARKS.md section 11).
 *
 * <p>Off: Spring Boot's switch says so, and Micrometer Tracing's auto-configuration is left out as well (added to
 * {@code spring.autoconfigure.exclude}): with the switch alone, Boot still registers its observation handlers around a
 * tracer that records nothing, and every request ran them (about 7% of a status request's CPU here).
 */
class TracingOff implements EnvironmentPostProcessor, Ordered {

    static final String SWITCH = "management.tracing.export.enabled";
    private static final String[] ENDPOINTS = {
            "management.opentelemetry.tracing.export.otlp.endpoint", "management.otlp.tracing.endpoint"};
    private static final String EXCLUDE = "spring.autoconfigure.exclude";
    private static final String CORRELATION_PATTERN = "logging.pattern.correlation";
    private static final String HANDLERS =
            "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Boolean enabled = environment.getProperty(SWITCH, Boolean.class);
        boolean endpoint = false;
        for (String name : ENDPOINTS) {
            endpoint |= environment.containsProperty(name);
        }
        if (enabled == Boolean.TRUE || enabled == null && endpoint) {
            return;
        }
        String excluded = environment.getProperty(EXCLUDE, "");
        environment.getPropertySources().addFirst(new MapPropertySource("streamgate-tracing-off", Map.of(
                SWITCH, "false",
                EXCLUDE, excluded.isBlank() ? HANDLERS : excluded + "," + HANDLERS,
                // Without traces, Boot's trace-id column would be 50 blanks on every log line.
                CORRELATION_PATTERN, environment.getProperty(CORRELATION_PATTERN, ""))));
    }

    /** After the application's own configuration has been read, so that its switch is seen. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
