package io.streamgate.security;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * Every refusal of a request's credentials, with the {@code WWW-Authenticate} challenge RFC 6750 (section 3) gives
 * it: one place for the challenge's shape. The detail says what to do; it never holds a key or a token.
 */
final class BearerChallenge extends ResponseStatusException {

    private static final String REALM = "Bearer realm=\"streamgate\"";

    private final String challenge;

    private BearerChallenge(HttpStatus status, String detail, String error) {
        super(status, detail);
        this.challenge = error == null ? REALM : REALM + ", error=\"" + error + "\"";
    }

    /** No credentials, or a key that is not one of ours: 401 with the challenge that says how to authenticate. */
    static BearerChallenge required(boolean jwtAccepted) {
        return new BearerChallenge(HttpStatus.UNAUTHORIZED, jwtAccepted
                ? "A valid API key or bearer token is required: send 'Authorization: Bearer <key or JWT>'"
                        + " or 'X-API-Key: <key>'"
                : "A valid API key is required: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'", null);
    }

    /**
     * A bearer JWT that failed verification (expired, not yet valid, wrong issuer or audience, bad signature, unknown
     * key, malformed): 401, saying why.
     */
    static BearerChallenge invalidToken(String why) {
        return new BearerChallenge(HttpStatus.UNAUTHORIZED, "The bearer token is not valid: " + why, "invalid_token");
    }

    /**
     * Two different credentials in one request (an {@code X-API-Key} and a different bearer value, or one header
     * twice): 400. Serving it as either tenant would be a guess.
     */
    static BearerChallenge twoCredentials() {
        return new BearerChallenge(HttpStatus.BAD_REQUEST, "The request carries two different credentials: send one,"
                + " as 'Authorization: Bearer <credential>' or 'X-API-Key: <key>'", "invalid_request");
    }

    /** Authenticated, but not for this: a token without the scope, or a key of the wrong kind. 403. */
    static BearerChallenge notAllowed() {
        return new BearerChallenge(HttpStatus.FORBIDDEN, "These credentials may not do this: reading a stream needs"
                + " scope streams:read; starting, sending to and ending one needs streams:write; the actuator needs"
                + " an operator key", "insufficient_scope");
    }

    @Override
    public HttpHeaders getHeaders() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.WWW_AUTHENTICATE, challenge);
        return headers;
    }
}
