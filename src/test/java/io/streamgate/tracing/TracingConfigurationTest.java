package io.streamgate.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.prometheus.metrics.tracer.common.SpanContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class TracingConfigurationTest {

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withUserConfiguration(TracingConfiguration.class);

    @Test
    void shouldAskTheExemplarSpanContextOnceWhileTheContextStarts() {
        RecordingSpanContext exemplars = new RecordingSpanContext();
        String starting = Thread.currentThread().getName();

        contexts.withBean(SpanContext.class, () -> exemplars).run(context -> {
            assertThat(context).hasNotFailed();
            // Asked on the thread that started the context, before any request could: never first on an event loop.
            assertThat(exemplars.askedOn).as("threads that asked the exemplar span context").containsExactly(starting);
        });
    }

    @Test
    void shouldStartWithoutAnExemplarSpanContext() {
        contexts.run(context -> assertThat(context).hasNotFailed());
    }

    /** Records where it was asked whether the current span is sampled: Boot's looks up its tracer there. */
    private static final class RecordingSpanContext implements SpanContext {

        final List<String> askedOn = new CopyOnWriteArrayList<>();

        @Override
        public String getCurrentTraceId() {
            return null;
        }

        @Override
        public String getCurrentSpanId() {
            return null;
        }

        @Override
        public boolean isCurrentSpanSampled() {
            askedOn.add(Thread.currentThread().getName());
            return false;
        }

        @Override
        public void markCurrentSpanAsExemplar() {
        }
    }
}
