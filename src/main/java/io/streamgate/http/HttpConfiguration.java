package io.streamgate.http;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationPredicate;
import io.micrometer.observation.ObservationRegistry;
import io.streamgate.config.PlainFilterChain;
import io.streamgate.config.StreamgateProperties;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.security.ApiAccess;
import io.streamgate.stream.StreamService;
import io.streamgate.tracing.StreamTracing;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.server.reactive.observation.ServerRequestObservationConvention;
import org.springframework.web.server.WebFilter;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.json.JsonMapper;

/** Wires the HTTP layer. */
@Configuration(proxyBeanMethods = false)
class HttpConfiguration {

    /**
     * How long the event loops wait at shutdown for tasks to stop arriving before they close. By then the graceful
     * shutdown has drained the server and the processing has stopped, so nothing is on its way to them; Reactor
     * Netty's 2 s default was all of a stop's time, in every context the integration tests leave open too.
     */
    private static final Duration LOOPS_QUIET_PERIOD = Duration.ofMillis(100);

    /** What the HTTP layer sets up once per JVM, on the starting thread, before any event loop runs. */
    HttpConfiguration() {
        ZstdSupport.load();
        DroppedRequestErrors.install();
    }

    /** The rules every chunk follows, whichever way it arrives. */
    @Bean
    Chunks chunks(StreamgateProperties properties) {
        return new Chunks(properties.stream().maxChunkSize().toBytes());
    }

    /** Who is asking: the stream routes' and the WebSockets' one way to a caller's tenant. */
    @Bean
    Callers callers(ApiAccess access) {
        return Callers.of(access.open());
    }

    /**
     * The send bodies and WebSocket messages read and held at once, by size, one count for both, and each tenant's
     * share of it: the whole where one tenant is all there can be (an open gateway, or one API key).
     */
    @Bean
    BodyBudget bodyBudget(StreamgateProperties properties, ApiAccess access) {
        StreamgateProperties.Limits limits = properties.limits();
        return new BodyBudget(limits.maxBytesInFlight().toBytes(),
                limits.maxBytesInFlightPerTenant(access.oneTenant()));
    }

    @Bean
    StreamHandler streamHandler(Callers callers, StreamService streams, StreamgateProperties properties,
                                StreamMetrics metrics, StreamTracing tracing, Chunks chunks, BodyBudget budget,
                                JsonMapper json) {
        StreamgateProperties.Stream stream = properties.stream();
        JsonBodies bodies = new JsonBodies(json);
        NdjsonBatches batches = new NdjsonBatches(bodies, chunks, stream.maxBatchChunks(),
                stream.maxBatchSize().toBytes());
        return new StreamHandler(callers, streams, bodies, chunks, batches, budget,
                new SseEvents(stream.heartbeatInterval(), metrics, tracing));
    }

    /** The Netty-level limits every server of the gateway gets (ServerLimits says which). */
    @Bean
    ServerLimits serverLimits(StreamgateProperties properties, StreamMetrics metrics, MeterRegistry meters,
                              JsonMapper json) {
        return new ServerLimits(properties.limits().requestReadTimeout(), metrics, meters, json);
    }

    /** The API server's: its connections capped by {@code max-connections}. */
    @Bean
    NettyServerCustomizer connectionAndRequestLimits(ServerLimits limits, StreamgateProperties properties) {
        return limits.forServer(properties.limits().maxConnections(), ConnectionLimits.API_LIMIT);
    }

    /**
     * The server's event loops, with one thread of its own that only accepts connections (Reactor Netty's default has
     * the listening socket on one of the worker loops). Under load a busy worker loop left new connections in the
     * listen queue: with 800 connections at once the queue held 400 to 500 of them for the whole of some 20 s runs,
     * each waiting until load dropped (wrk counted them as timeouts; a new connection's first answer took up to 19 s).
     * With the accept thread of its own, the queue stayed empty in every run. Boot applies the loops of this factory
     * after any server customizer, so they are set here; the factory owns them and disposes of them with the context.
     */
    @Bean
    ReactorResourceFactory reactorResourceFactory() {
        ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        factory.setShutdownQuietPeriod(LOOPS_QUIET_PERIOD);
        factory.setLoopResourcesSupplier(() ->
                LoopResources.create("http", 1, LoopResources.DEFAULT_IO_WORKER_COUNT, true));
        return factory;
    }

    /**
     * The application's WebFilters (the SSE read observation, the header size limit, the Host header's rule, Spring
     * Security's entry filter, the API docs' thread) run as one, through PlainFilterChain: WebFlux's chain would wrap
     * each of them in a checkpoint described anew by its {@code toString()} on every request.
     */
    @Bean
    WebHttpHandlerBuilderCustomizer webFiltersAsOne() {
        return builder -> builder.filters(filters -> {
            WebFilter all = PlainFilterChain.asOne(filters);
            filters.clear();
            filters.add(all);
        });
    }

    /** SSE reads timed to their answer, not to their reader's leaving (SseReadObservation says why). */
    @Bean
    SseReadObservation sseReadObservation(ObservationRegistry registry,
                                          ObjectProvider<ServerRequestObservationConvention> convention) {
        return new SseReadObservation(registry, convention.getIfAvailable());
    }

    /** WebFlux's own observation of an SSE read off (the registry takes predicates as it is made, hence static). */
    @Bean
    static ObservationPredicate webFluxSseReadObservationOff() {
        return SseReadObservation.PREDICATE;
    }

    @Bean
    HeaderSizeLimit headerSizeLimit(StreamgateProperties properties, StreamMetrics metrics) {
        return new HeaderSizeLimit(properties.limits().maxHeaderSize().toBytes(), metrics);
    }

    /** A request target Spring cannot parse gets a problem, not Spring's empty 400 (MalformedRequestTargets says how). */
    @Bean
    MalformedRequestTargets malformedRequestTargets(JsonMapper json, StreamMetrics metrics) {
        return new MalformedRequestTargets(new RouteProblems(json, metrics));
    }

    /** {@code OPTIONS *} answered for the server as a whole, not Spring's 404 for a path /* (AsteriskRequests). */
    @Bean
    AsteriskRequests asteriskRequests(JsonMapper json, StreamMetrics metrics) {
        return new AsteriskRequests(new RouteProblems(json, metrics));
    }

    /** {@code CONNECT} refused as a proxy's method, not Spring's 404 for its target read as a path (ConnectRequests). */
    @Bean
    ConnectRequests connectRequests(JsonMapper json, StreamMetrics metrics) {
        return new ConnectRequests(new RouteProblems(json, metrics));
    }

    @Bean
    HostHeaderRule hostHeaderRule() {
        return new HostHeaderRule();
    }

    /** An HTTP/2 stream over the connection cap answered 503 before anything else (StreamsOverCap). */
    @Bean
    StreamsOverCap streamsOverCap() {
        return new StreamsOverCap();
    }

    /** How every failure is answered: HTTP problems, and WebSocket error frames and close codes alike. */
    @Bean
    Problems problems(StreamMetrics metrics) {
        return new Problems(metrics, Schedulers.parallel());
    }

    @Bean
    ProblemExceptionHandler problemExceptionHandler(JsonMapper json, Problems problems) {
        return new ProblemExceptionHandler(problems, json);
    }

    /**
     * The exception handlers after ProblemExceptionHandler (Spring Boot's default one, WebFlux's response-status one)
     * are left out: it answers every failure but one raised after the response has committed, which they pass on
     * too. Each would add its layer of operators to every request, held for as long as an SSE response lasts.
     */
    @Bean
    WebHttpHandlerBuilderCustomizer problemsLastExceptionHandler(ProblemExceptionHandler problems) {
        return builder -> builder.exceptionHandlers(handlers -> {
            int last = handlers.indexOf(problems);
            if (last >= 0) {
                handlers.subList(last + 1, handlers.size()).clear();
            }
        });
    }
}
