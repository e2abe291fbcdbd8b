/**
 * Who may call the gateway: API keys (each key a tenant) and bearer JWTs (Spring Security's OAuth2 resource server;
 * the tenant is a claim, the scopes say what it may do), both ending as a principal named by its tenant; operator-only
 * actuator endpoints; CORS; and, with neither keys nor JWTs configured, an open gateway bound to loopback that
 * answers programs and pages of this machine, not pages of other sites its browsers have open.
 */
package io.streamgate.security;
