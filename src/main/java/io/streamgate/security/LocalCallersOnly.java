package io.streamgate.security;

import java.util.List;
import java.util.Locale;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * An open gateway (no keys, no JWTs) serves whoever reaches it, and a browser reaches it on behalf of any web page it
 * has open: with no credentials to forge, every request a page can make is one the gateway would serve. Two ways are
 * closed here, the ones local HTTP APIs without credentials were attacked through (Ollama's CVE-2024-28224, webpack's
 * and Vite's dev servers):
 * <ul>
 *   <li><b>Cross-site requests.</b> A page may send a bodiless or form {@code POST} (a start, an end) to any origin
 *       without asking it first, and open a WebSocket to any host: browsers apply no CORS to WebSockets. Both carry
 *       the page's {@code Origin}, which is answered only if it is this gateway's own, a loopback one (a page served
 *       on this machine), or listed in {@code streamgate.security.cors.allowed-origins}. Programs (curl, WebClient,
 *       Gatling) send no {@code Origin} and are not concerned.</li>
 *   <li><b>DNS rebinding</b>, on loopback only. A page of {@code evil.example} whose name is then made to resolve to
 *       127.0.0.1 is its own origin to the browser, which lets it read every answer; its requests still name
 *       {@code evil.example} in {@code Host}. A gateway that listens on loopback is reached by loopback names only
 *       ({@code localhost} and {@code *.localhost}, {@code 127.0.0.0/8}, {@code [::1]}, {@code 0.0.0.0}), so it
 *       answers those and no other.</li>
 * </ul>
 * Both are refused with {@code 403} before anything is read or stored. A gateway with credentials needs neither rule:
 * a page cannot send them for a user who does not hand them over.
 */
final class LocalCallersOnly implements WebFilter {

    private static final String FOREIGN_ORIGIN = "This gateway has no credentials configured, so it does not answer"
            + " web pages of other origins, which any site a browser here has open could be: list the page's origin in"
            + " streamgate.security.cors.allowed-origins, or configure keys";
    private static final String FOREIGN_HOST = "This gateway has no credentials configured and listens on loopback,"
            + " so it answers requests addressed to localhost, 127.0.0.1 or [::1] only (another name resolving here is"
            + " how a web page reaches it); configure keys to serve other names";

    /**
     * The exchange attribute by which a server other than the API's says whether it listens on loopback only (the
     * management port's, {@link ServerOnLoopback}): the host rule is that of the server a request came in on. A
     * scraper asking for {@code gateway:8081} on a management port given another address was refused by the API's.
     */
    static final String SERVER_ON_LOOPBACK = LocalCallersOnly.class.getName() + ".serverOnLoopback";

    /** Whether the API server listens on loopback only. */
    private final boolean onLoopback;
    private final CorsConfiguration allowedOrigins = new CorsConfiguration();

    LocalCallersOnly(boolean onLoopback, List<String> allowedOrigins) {
        this.onLoopback = onLoopback;
        this.allowedOrigins.setAllowedOrigins(allowedOrigins);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (onLoopback(exchange) && !isLoopbackName(request.getURI().getHost())) {
            return Mono.error(new ResponseStatusException(HttpStatus.FORBIDDEN, FOREIGN_HOST));
        }
        String origin = request.getHeaders().getFirst(HttpHeaders.ORIGIN);
        if (origin != null && !isAllowed(origin, request.getHeaders().getFirst(HttpHeaders.HOST))) {
            return Mono.error(new ResponseStatusException(HttpStatus.FORBIDDEN, FOREIGN_ORIGIN));
        }
        return chain.filter(exchange);
    }

    private boolean onLoopback(ServerWebExchange exchange) {
        Boolean server = exchange.getAttribute(SERVER_ON_LOOPBACK);
        return server != null ? server : onLoopback;
    }

    private boolean isAllowed(String origin, String host) {
        int start = origin.indexOf("://");
        if (start < 0) {
            return false; // "null": a sandboxed page, a file, a redirect across origins
        }
        String authority = origin.substring(start + 3);
        return authority.equalsIgnoreCase(host) || isLoopbackName(hostOf(authority))
                || allowedOrigins.checkOrigin(origin) != null;
    }

    /** The host of {@code host [":" port]}, an IPv6 literal's brackets kept. */
    static String hostOf(String authority) {
        int end = authority.startsWith("[") ? authority.indexOf(']') + 1 : authority.lastIndexOf(':');
        return end <= 0 ? authority : authority.substring(0, end);
    }

    /** A name only this machine answers to, as a URI's host gives it. */
    static boolean isLoopbackName(String host) {
        if (host == null) {
            return true; // no Host (HTTP/1.0): the URI names the address the request came in on, a loopback one
        }
        String name = host.toLowerCase(Locale.ROOT);
        return name.equals("localhost") || name.endsWith(".localhost") || name.equals("[::1]")
                || name.equals("0.0.0.0") || isLoopbackIpv4(name);
    }

    /** {@code 127.a.b.c}, each part a decimal of at most 255, read without splitting (this runs on every request). */
    private static boolean isLoopbackIpv4(String name) {
        if (!name.startsWith("127.")) {
            return false;
        }
        int parts = 2; // 127 was the first; the second is being read
        int value = 0;
        int digits = 0;
        for (int i = 4; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.' && digits > 0) {
                parts++;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < 3) {
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return parts == 4 && digits > 0;
    }
}
