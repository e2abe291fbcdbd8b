/**
 * Who may call the gateway: API keys (each key a tenant) checked by Spring Security's reactive filter chain, so JWT
 * can be added later through its resource-server support; operator-only actuator endpoints; CORS; and, when no keys
 * are configured, an open gateway bound to loopback.
 */
package io.streamgate.security;
