package io.streamgate.security;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/** No credentials, or a key that is not one of ours: 401 with the challenge that says how to authenticate. */
final class AuthenticationRequiredException extends ResponseStatusException {

    AuthenticationRequiredException(boolean jwtAccepted) {
        super(HttpStatus.UNAUTHORIZED, jwtAccepted
                ? "A valid API key or bearer token is required: send 'Authorization: Bearer <key or JWT>'"
                        + " or 'X-API-Key: <key>'"
                : "A valid API key is required: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'");
    }

    @Override
    public HttpHeaders getHeaders() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"streamgate\"");
        return headers;
    }
}
