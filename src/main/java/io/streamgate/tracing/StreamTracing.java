package io.streamgate.tracing;

import reactor.util.context.ContextView;

/**
 * The spans of a stream's way through Streamgate. Each joins the trace named by a W3C {@code traceparent}: the HTTP
 * request's for an append, the one a command or result carries for the rest. A {@code null} traceparent means not
 * traced (tracing off, no caller's trace, or a trace not sampled), and every method then does nothing.
 */
public interface StreamTracing {

    /** Tracing disabled: every span is {@link Span#NONE}. */
    StreamTracing OFF = new StreamTracing() {
        @Override
        public Span startAppend(ContextView request, String streamId, int commands) {
            return Span.NONE;
        }

        @Override
        public Span startProcessing(String traceparent, String step, String streamId) {
            return Span.NONE;
        }

        @Override
        public String recordFeed(String traceparent, String streamId, long producedAtMillis) {
            return null;
        }

        @Override
        public Span startDelivery(String traceparent, String event) {
            return Span.NONE;
        }
    };

    /**
     * Appending commands to the log, as a child of the HTTP request's span found in the request's Reactor context.
     * The commands carry the returned span's traceparent.
     */
    Span startAppend(ContextView request, String streamId, int commands);

    /** A processor's step on a command that carried {@code traceparent}; its results carry the returned span's. */
    Span startProcessing(String traceparent, String step, String streamId);

    /**
     * A result that carried {@code traceparent} reached this gateway's results feed: a span from when it was produced
     * until now. Answers the traceparent readers' deliveries of it join, or null.
     */
    String recordFeed(String traceparent, String streamId, long producedAtMillis);

    /** Writing an event that carries {@code traceparent} to one reader. */
    Span startDelivery(String traceparent, String event);

    /** A started span. */
    interface Span {

        /** Not traced: no traceparent, nothing to end. */
        Span NONE = new Span() {
            @Override
            public String traceparent() {
                return null;
            }

            @Override
            public void end() {
            }

            @Override
            public void fail(Throwable error) {
            }
        };

        /** This span as a W3C traceparent, for what it hands on; null when not traced. */
        String traceparent();

        void end();

        /** Ends the span, marked failed with {@code error}. */
        void fail(Throwable error);
    }
}
