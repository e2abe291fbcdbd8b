package io.streamgate.security;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A bearer JWT that failed verification (expired, not yet valid, wrong issuer or audience, bad signature, unknown
 * key, malformed): 401 with the challenge RFC 6750 gives for it. The detail says why; it never holds the token.
 */
final class InvalidTokenException extends ResponseStatusException {

    InvalidTokenException(String why) {
        super(HttpStatus.UNAUTHORIZED, "The bearer token is not valid: " + why);
    }

    @Override
    public HttpHeaders getHeaders() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"streamgate\", error=\"invalid_token\"");
        return headers;
    }
}
