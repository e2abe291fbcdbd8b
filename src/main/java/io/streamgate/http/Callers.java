package io.streamgate.http;

import java.security.Principal;

import io.streamgate.stream.StreamId;
import io.streamgate.stream.StreamKey;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * Who is asking, and for which stream: the one place a request's tenant and stream key are resolved. The tenant is
 * the authenticated principal's name (an API key's tenant, or a token's tenant claim; empty on an open gateway).
 * Streams are scoped by it, so another tenant's stream of the same id simply does not exist for this caller.
 */
final class Callers {

    private Callers() {
    }

    static Mono<String> tenant(ServerRequest request) {
        return request.principal().map(Principal::getName).defaultIfEmpty("");
    }

    /** The stream the path names, as this caller's. */
    static Mono<StreamKey> key(ServerRequest request) {
        return tenant(request).map(tenant -> new StreamKey(tenant, streamId(request)));
    }

    static StreamId streamId(ServerRequest request) {
        return new StreamId(request.pathVariable("streamId"));
    }
}
