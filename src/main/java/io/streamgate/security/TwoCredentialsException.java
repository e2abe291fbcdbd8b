package io.streamgate.security;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A request carrying two different credentials (an {@code X-API-Key} and a different bearer value, or one header
 * twice): 400 with RFC 6750's {@code invalid_request} challenge. Serving it as either tenant would be a guess.
 */
final class TwoCredentialsException extends ResponseStatusException {

    TwoCredentialsException() {
        super(HttpStatus.BAD_REQUEST, "The request carries two different credentials: send one, as"
                + " 'Authorization: Bearer <credential>' or 'X-API-Key: <key>'");
    }

    @Override
    public HttpHeaders getHeaders() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"streamgate\", error=\"invalid_request\"");
        return headers;
    }
}
