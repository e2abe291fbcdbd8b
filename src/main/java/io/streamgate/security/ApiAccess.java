package io.streamgate.security;

/**
 * How callers prove who they are here, decided once at start-up from the API keys and the JWT settings.
 *
 * @param apiKeys tenant keys configured
 * @param jwt     bearer JWTs are accepted ({@code spring.security.oauth2.resourceserver.jwt.*} is set)
 */
public record ApiAccess(int apiKeys, boolean jwt) {

    /** Neither keys nor JWTs: anyone who can reach the gateway may use every stream, so it listens on loopback. */
    public boolean open() {
        return apiKeys == 0 && !jwt;
    }

    /**
     * At most one tenant can call: the open gateway's empty one, or one API key's (each key is its own tenant) with no
     * JWTs, whose subjects may be any number. Shares between tenants are then the whole.
     */
    public boolean oneTenant() {
        return apiKeys <= 1 && !jwt;
    }

    /** For the ready line: "open API (no keys)", "2 API key(s)", "JWT", "2 API key(s) and JWT". */
    public String describe() {
        if (open()) {
            return "open API (no keys)";
        }
        String keys = apiKeys + " API key(s)";
        return !jwt ? keys : apiKeys == 0 ? "JWT" : keys + " and JWT";
    }
}
