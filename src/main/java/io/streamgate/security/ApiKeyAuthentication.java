package io.streamgate.security;

import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Reads a key from {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>} and turns it into the tenant it
 * belongs to. Plugs into Spring Security's {@code AuthenticationWebFilter} as converter and manager.
 */
final class ApiKeyAuthentication implements ServerAuthenticationConverter, ReactiveAuthenticationManager {

    static final String API_KEY_HEADER = "X-API-Key";
    private static final String BEARER = "Bearer ";
    /** How the value was presented: as a bearer token it may also be a JWT (see {@link KeyOrToken}). */
    private static final String AS_BEARER = "bearer";
    private static final String AS_HEADER = "api-key";
    private static final List<GrantedAuthority> TENANT = AuthorityUtils.createAuthorityList(TenantAuthentication.TENANT,
            TenantAuthentication.READ, TenantAuthentication.WRITE);
    private static final List<GrantedAuthority> OPERATOR =
            AuthorityUtils.createAuthorityList(TenantAuthentication.OPERATOR);

    private final ApiKeys tenantKeys;
    private final ApiKeys operatorKeys;

    ApiKeyAuthentication(ApiKeys tenantKeys, ApiKeys operatorKeys) {
        this.tenantKeys = tenantKeys;
        this.operatorKeys = operatorKeys;
    }

    /**
     * The presented key, unverified; empty when the request carries none. A request carrying two different ones (in
     * the two headers, or one header twice) is refused with 400, as RFC 6750 (section 2) has it, rather than served
     * as the tenant of whichever is read first.
     */
    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        String key = null;
        for (String value : headers.getOrEmpty(API_KEY_HEADER)) {
            String presented = value.strip();
            if (key != null && !key.equals(presented)) {
                return Mono.error(BearerChallenge.twoCredentials());
            }
            key = presented;
        }
        String presentedAs = key == null ? AS_BEARER : AS_HEADER;
        for (String authorization : headers.getOrEmpty(HttpHeaders.AUTHORIZATION)) {
            if (authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                String presented = authorization.substring(BEARER.length()).strip();
                if (key != null && !key.equals(presented)) {
                    return Mono.error(BearerChallenge.twoCredentials());
                }
                key = presented;
            }
        }
        return key == null || key.isEmpty() ? Mono.empty()
                : Mono.just(UsernamePasswordAuthenticationToken.unauthenticated(presentedAs, key));
    }

    static boolean isBearer(Authentication presented) {
        return AS_BEARER.equals(presented.getPrincipal());
    }

    @Override
    public Mono<Authentication> authenticate(Authentication presented) {
        String key = (String) presented.getCredentials();
        String tenant = tenantKeys.tenantOf(key);
        if (tenant != null) {
            return Mono.just(new TenantAuthentication(tenant, TENANT));
        }
        String operator = operatorKeys.tenantOf(key);
        if (operator != null) {
            return Mono.just(new TenantAuthentication(operator, OPERATOR));
        }
        return Mono.error(new BadCredentialsException("Unknown API key"));
    }
}
