package io.streamgate.security;

import java.util.ArrayList;
import java.util.List;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import reactor.core.publisher.Mono;

/**
 * A verified JWT as a caller: its tenant is the value of the configured claim ({@code sub} by default), so isolation
 * is exactly as with API keys; its authorities are its scopes ({@code SCOPE_streams:read}, {@code SCOPE_streams:write},
 * from the {@code scope} or {@code scp} claim, as Spring Security reads them).
 */
final class JwtTenants implements Converter<Jwt, Mono<AbstractAuthenticationToken>> {

    private final String tenantClaim;
    private final JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();

    JwtTenants(String tenantClaim) {
        this.tenantClaim = tenantClaim;
    }

    @Override
    public Mono<AbstractAuthenticationToken> convert(Jwt jwt) {
        if (!(jwt.getClaims().get(tenantClaim) instanceof String tenant) || tenant.isBlank()) {
            return Mono.error(new InvalidBearerTokenException(
                    "The token has no '" + tenantClaim + "' claim to name its tenant"));
        }
        List<GrantedAuthority> authorities = new ArrayList<>(scopes.convert(jwt));
        authorities.add(new SimpleGrantedAuthority(TenantAuthentication.TENANT));
        return Mono.just(new TenantAuthentication(tenant, authorities));
    }
}
