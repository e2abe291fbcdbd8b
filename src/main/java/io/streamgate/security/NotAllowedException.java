package io.streamgate.security;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/** Authenticated, but not for this: a token without the scope, or a key of the wrong kind. 403. */
final class NotAllowedException extends ResponseStatusException {

    NotAllowedException() {
        super(HttpStatus.FORBIDDEN, "These credentials may not do this: reading a stream needs scope streams:read; "
                + "starting, sending to and ending one needs streams:write; the actuator needs an operator key");
    }

    @Override
    public HttpHeaders getHeaders() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"streamgate\", error=\"insufficient_scope\"");
        return headers;
    }
}
