package io.streamgate.http;

import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.reactive.observation.ServerHttpObservationDocumentation;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.http.server.reactive.observation.ServerRequestObservationConvention;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.handler.ExceptionHandlingWebHandler;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * An SSE read's {@code http.server.requests} observation ends when the read is answered (its status and headers
 * go out), not when its reader leaves.
 *
 * <p>WebFlux times a request to the end of its response, and an SSE response lasts as long as its reader: minutes or
 * hours. Timed so, every read put its reader's lifetime in the route's histogram (and in any percentile taken across
 * routes), and the observation, its context and its meters' samples stayed in the heap for as long as the reader
 * (about 0.6 KB of each reader's 17 KB, BENCHMARKS.md section 16). Here WebFlux's observation of an SSE read is
 * turned off ({@link #PREDICATE}) and this filter, first of all, makes one of the same name, convention and tags that
 * stops when the response commits: a read's answer, 200 or a problem (401, 404, 429 and so on), is counted and timed
 * like any other request's. How many readers are connected is {@code streamgate.sse.readers}.
 *
 * <p>The observation is not put in the Reactor context as WebFlux's is: nothing in a read makes observations of its
 * own (a delivery's span continues its send's trace), and in the context it would live as long as the reader.
 */
final class SseReadObservation implements WebFilter, Ordered {

    private static final PathPattern RESULTS = PathPatternParser.defaultInstance.parse(StreamRoutes.RESULTS);
    private static final ServerRequestObservationConvention DEFAULT_CONVENTION =
            new DefaultServerRequestObservationConvention();

    /** Off for WebFlux's observation of an SSE read; this filter's own ({@link ReadContext}) stays on. */
    static final ObservationPredicate PREDICATE = (name, context) ->
            !(context instanceof ServerRequestObservationContext request)
                    || request instanceof ReadContext
                    || !isSseRead(request.getCarrier());

    private final ObservationRegistry registry;
    private final ServerRequestObservationConvention convention;

    /** {@code convention}: the application's, or null for WebFlux's default (as WebFlux itself takes it). */
    SseReadObservation(ObservationRegistry registry, ServerRequestObservationConvention convention) {
        this.registry = registry;
        this.convention = convention;
    }

    /**
     * A {@code GET} of a stream's results that is answered with SSE (not JSON, RequestHeaders.resultsAsJson). A read
     * whose {@code Accept} is not a media type, or admits neither SSE nor JSON, is not: its handler answers 400 or 406,
     * and WebFlux observes it as usual.
     */
    static boolean isSseRead(ServerHttpRequest request) {
        if (request.getMethod() != HttpMethod.GET || !RESULTS.matches(request.getPath().pathWithinApplication())) {
            return false;
        }
        try {
            return RequestHeaders.resultsForm(request.getHeaders().getAccept()) == RequestHeaders.ResultsForm.SSE;
        } catch (InvalidMediaTypeException malformed) {
            return false;
        }
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!isSseRead(exchange.getRequest())) {
            return chain.filter(exchange);
        }
        ReadContext context = new ReadContext(exchange);
        // A no-op observation when observations are off (management.observations.enable.*): the context is still ours.
        Answer answer = new Answer(exchange, context, ServerHttpObservationDocumentation.HTTP_REACTIVE_SERVER_REQUESTS
                .observation(convention, DEFAULT_CONVENTION, () -> context, registry)
                .start());
        exchange.getResponse().beforeCommit(() -> {
            answer.answered();
            return Mono.empty();
        });
        return chain.filter(exchange).doOnCancel(answer::abandoned);
    }

    /** Before Spring Security and every other filter, so that whatever refuses a read is counted. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    /** Marks the observation this filter makes. */
    private static final class ReadContext extends ServerRequestObservationContext {

        ReadContext(ServerWebExchange exchange) {
            super(exchange.getRequest(), exchange.getResponse(), exchange.getAttributes());
        }
    }

    /**
     * The read's observation while it is unanswered: its context is then the request's current observation context, so
     * that the route's handler mapping names the route (the uri tag) in it. Stopped once, on the answer or on the
     * reader leaving first, and then let go of (the response keeps its commit actions, and with them this, for the
     * reader's life): WebFlux's context is the current one again.
     */
    private static final class Answer {

        private static final String CURRENT = ServerRequestObservationContext.CURRENT_OBSERVATION_CONTEXT_ATTRIBUTE;

        private record Unanswered(Observation observation, ReadContext context) {
        }

        private final ServerWebExchange exchange;
        private final Object webFluxContext;
        private final AtomicReference<Unanswered> unanswered;

        Answer(ServerWebExchange exchange, ReadContext context, Observation observation) {
            this.exchange = exchange;
            this.webFluxContext = exchange.getAttributes().put(CURRENT, context);
            this.unanswered = new AtomicReference<>(new Unanswered(observation, context));
        }

        /** Called as the response commits: its status is set, and a problem's exception is in the attributes. */
        void answered() {
            Unanswered read = unanswered.getAndSet(null);
            if (read != null) {
                Throwable handled = exchange.getAttribute(ExceptionHandlingWebHandler.HANDLED_WEB_EXCEPTION);
                if (handled != null) {
                    read.observation().error(handled);
                }
                stop(read);
            }
        }

        void abandoned() {
            Unanswered read = unanswered.getAndSet(null);
            if (read != null) {
                read.context().setConnectionAborted(true);
                stop(read);
            }
        }

        private void stop(Unanswered read) {
            read.observation().stop();
            if (webFluxContext != null) {
                exchange.getAttributes().put(CURRENT, webFluxContext);
            } else {
                exchange.getAttributes().remove(CURRENT);
            }
        }
    }
}
