package io.streamgate.http;

import java.security.Principal;

import io.streamgate.stream.StreamId;
import io.streamgate.stream.StreamKey;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * Who is asking, and for which stream: the one place a request's or a WebSocket's tenant is resolved. The tenant is
 * the authenticated principal's name (an API key's tenant, or a token's tenant claim). Streams are scoped by it, so
 * another tenant's stream of the same id simply does not exist for this caller.
 *
 * <p>An open gateway (no keys, no tokens) has one tenant, the empty one, so it does not look it up: the principal's
 * lookup in Spring Security's context, with the filter that puts that lookup on the exchange (an open gateway's chain
 * leaves it out), cost every request nine Reactor operators to learn it (BENCHMARKS.md section 37).
 */
final class Callers {

    private static final String OPEN_TENANT = "";
    private static final Mono<String> AN_OPEN_GATEWAYS_CALLER = Mono.just(OPEN_TENANT);

    private final boolean open;

    private Callers(boolean open) {
        this.open = open;
    }

    /** {@code open}: the gateway requires no credentials, so every caller is the one empty tenant. */
    static Callers of(boolean open) {
        return new Callers(open);
    }

    Mono<String> tenant(ServerRequest request) {
        return open ? AN_OPEN_GATEWAYS_CALLER : named(request.principal());
    }

    /** The tenant of a WebSocket handshake's caller, with this principal. */
    Mono<String> tenant(Mono<? extends Principal> principal) {
        return open ? AN_OPEN_GATEWAYS_CALLER : named(principal);
    }

    /** The stream the path names, as this caller's. */
    Mono<StreamKey> key(ServerRequest request) {
        return open
                ? Mono.fromCallable(() -> new StreamKey(OPEN_TENANT, streamId(request)))
                : named(request.principal()).map(tenant -> new StreamKey(tenant, streamId(request)));
    }

    /** A keyed gateway's caller: its principal's name, or the empty tenant when it has no principal. */
    private static Mono<String> named(Mono<? extends Principal> principal) {
        return principal.map(Principal::getName).defaultIfEmpty(OPEN_TENANT);
    }

    static StreamId streamId(ServerRequest request) {
        return new StreamId(request.pathVariable("streamId"));
    }
}
