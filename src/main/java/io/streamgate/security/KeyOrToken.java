package io.streamgate.security;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import reactor.core.publisher.Mono;

/**
 * API keys first; a bearer value that is not one of them is taken as a JWT and verified by Spring Security's
 * resource server ({@code jwts}), when JWTs are accepted. Both arrive as {@code Authorization: Bearer}, and a key
 * lookup is a hash, so trying it first costs a JWT caller nothing worth saving.
 */
final class KeyOrToken implements ReactiveAuthenticationManager {

    private final ApiKeyAuthentication apiKeys;
    private final ReactiveAuthenticationManager jwts;

    KeyOrToken(ApiKeyAuthentication apiKeys, ReactiveAuthenticationManager jwts) {
        this.apiKeys = apiKeys;
        this.jwts = jwts;
    }

    @Override
    public Mono<Authentication> authenticate(Authentication presented) {
        return apiKeys.authenticate(presented).onErrorResume(BadCredentialsException.class,
                unknownKey -> ApiKeyAuthentication.isBearer(presented)
                        ? jwts.authenticate(new BearerTokenAuthenticationToken((String) presented.getCredentials()))
                        : Mono.error(unknownKey));
    }
}
