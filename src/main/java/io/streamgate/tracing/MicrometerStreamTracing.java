package io.streamgate.tracing;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import reactor.util.context.ContextView;

/**
 * {@link StreamTracing} on Micrometer Tracing. Only sampled traces go on: a span whose trace is not sampled hands on
 * no traceparent, so the steps after it create nothing either.
 */
final class MicrometerStreamTracing implements StreamTracing {

    static final String TRACEPARENT = "traceparent";

    private final Tracer tracer;
    private final Propagator propagator;

    MicrometerStreamTracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    @Override
    public Span startAppend(ContextView request, String streamId, int commands) {
        io.micrometer.tracing.Span parent = requestSpan(request);
        if (parent == null || !sampled(parent)) {
            return Span.NONE;
        }
        return started(tracer.nextSpan(parent).name("append to command log")
                .tag("streamgate.stream", streamId)
                .tag("streamgate.commands", commands)
                .start());
    }

    @Override
    public Span startProcessing(String traceparent, String step, String streamId) {
        if (traceparent == null) {
            return Span.NONE;
        }
        return started(childOf(traceparent).name("process " + step)
                .kind(io.micrometer.tracing.Span.Kind.CONSUMER)
                .tag("streamgate.stream", streamId)
                .start());
    }

    @Override
    public String recordFeed(String traceparent, String streamId, long producedAtMillis) {
        if (traceparent == null) {
            return null;
        }
        io.micrometer.tracing.Span span = childOf(traceparent).name("results feed")
                .kind(io.micrometer.tracing.Span.Kind.CONSUMER)
                .tag("streamgate.stream", streamId)
                .startTimestamp(producedAtMillis, TimeUnit.MILLISECONDS)
                .start();
        span.end();
        return traceparentOf(span);
    }

    @Override
    public Span startDelivery(String traceparent, String event) {
        if (traceparent == null) {
            return Span.NONE;
        }
        return started(childOf(traceparent).name("sse write")
                .tag("streamgate.event", event)
                .start());
    }

    /** The HTTP request's span: Spring's server observation, which WebFlux keeps in the request's Reactor context. */
    private static io.micrometer.tracing.Span requestSpan(ContextView request) {
        Observation observation = request.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
        if (observation == null) {
            return null;
        }
        TracingObservationHandler.TracingContext tracing =
                observation.getContext().get(TracingObservationHandler.TracingContext.class);
        return tracing == null ? null : tracing.getSpan();
    }

    private static boolean sampled(io.micrometer.tracing.Span span) {
        return Boolean.TRUE.equals(span.context().sampled());
    }

    private io.micrometer.tracing.Span.Builder childOf(String traceparent) {
        return propagator.extract(Map.of(TRACEPARENT, traceparent), Map::get);
    }

    /** The span, its traceparent worked out only when asked for (a delivery span never hands one on). */
    private Span started(io.micrometer.tracing.Span span) {
        return new Span() {
            private String traceparent;
            private boolean known;

            @Override
            public String traceparent() {
                if (!known) {
                    traceparent = sampled(span) ? traceparentOf(span) : null;
                    known = true;
                }
                return traceparent;
            }

            @Override
            public void end() {
                span.end();
            }

            @Override
            public void fail(Throwable error) {
                span.error(error);
                span.end();
            }
        };
    }

    private String traceparentOf(io.micrometer.tracing.Span span) {
        Map<String, String> carrier = new HashMap<>(2);
        propagator.inject(span.context(), carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }
}
