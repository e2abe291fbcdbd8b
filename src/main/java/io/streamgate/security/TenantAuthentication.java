package io.streamgate.security;

import java.util.Collection;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.AuthorityUtils;

/**
 * An authenticated caller. Its {@link #getName()} is the tenant id that scopes streams; the credentials (the key)
 * are not kept.
 */
final class TenantAuthentication extends AbstractAuthenticationToken {

    static final String TENANT = "ROLE_TENANT";
    static final String OPERATOR = "ROLE_OPERATOR";
    /** Reading results and status (SSE, JSON, a WebSocket's results): a JWT's scope, and every API key's. */
    static final String READ = "SCOPE_streams:read";
    /** Starting, sending to and ending streams. */
    static final String WRITE = "SCOPE_streams:write";

    private final String tenant;

    TenantAuthentication(String tenant, Collection<? extends GrantedAuthority> authorities) {
        super(authorities);
        this.tenant = tenant;
        setAuthenticated(true);
    }

    /** The open gateway's caller: the tenant-less owner of everything, allowed everything. */
    static TenantAuthentication openAccess() {
        return new TenantAuthentication("", AuthorityUtils.createAuthorityList(TENANT, OPERATOR, READ, WRITE));
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public Object getPrincipal() {
        return tenant;
    }

    @Override
    public String getName() {
        return tenant;
    }
}
