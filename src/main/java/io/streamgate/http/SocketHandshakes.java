package io.streamgate.http;

import java.util.Base64;

import io.netty.handler.codec.http.HttpVersion;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

/**
 * The checks of an opening handshake that RFC 6455 (section 4.2.1) asks for and Spring's and Reactor Netty's leave
 * out, made before theirs; a handshake that fails one gets a problem and no socket.
 * <ul>
 *   <li>Version 13, the protocol's only one, or {@code 426} naming it in {@code Sec-WebSocket-Version} (section 4.4).
 *       Netty answered a handshake without the header by closing the connection, without a word (it took it for the
 *       2010 draft's, which needs headers no client sends), and opened a socket for versions 7 and 8 of the drafts,
 *       whose browsers send their page's origin as {@code Sec-WebSocket-Origin}: the check that keeps other sites'
 *       pages out (LocalCallersOnly, CORS) reads {@code Origin}, so those passed it unseen.</li>
 *   <li>A {@code Sec-WebSocket-Key} of 16 bytes in base64 (section 4.1), or {@code 400}: any text was taken.</li>
 *   <li>HTTP/1.1 or later (section 4.1), or {@code 400}: an HTTP/1.0 handshake was answered with {@code 101}, which no
 *       HTTP/1.0 client may be sent (RFC 9110, section 15.2); its {@code Upgrade} may be an old proxy's, passed on
 *       without the proxy knowing what it asks.</li>
 * </ul>
 * A GET that does not ask for a WebSocket gets {@code 426} too, naming the protocol (Spring's handshake answered it
 * {@code 400}, {@code Can "Upgrade" only to "WebSocket"}, to a request that had asked for nothing).
 */
final class SocketHandshakes implements WebSocketService {

    private static final String VERSION_HEADER = "Sec-WebSocket-Version";
    private static final String KEY_HEADER = "Sec-WebSocket-Key";
    private static final String VERSION = "13";
    private static final int KEY_BYTES = 16;
    /** The most of a refused version the problem repeats back. */
    private static final int MAX_ECHO = 32;

    private final WebSocketService handshakes;

    SocketHandshakes(WebSocketService handshakes) {
        this.handshakes = handshakes;
    }

    @Override
    public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
        ServerHttpRequest request = exchange.getRequest();
        HttpHeaders headers = request.getHeaders();
        if (!HttpMethod.GET.equals(request.getMethod())) {
            return handshakes.handleRequest(exchange, handler);
        }
        if (isHttp10(request)) {
            return Mono.error(new ServerWebInputException(
                    "A WebSocket opens over HTTP/1.1; an HTTP/1.0 request's Upgrade is ignored (RFC 9110, 7.8)"));
        }
        if (!"websocket".equalsIgnoreCase(headers.getUpgrade())) {
            return Mono.error(new UpgradeRequired("This path opens a WebSocket (RFC 6455): a GET of it asks with "
                    + "Upgrade: websocket, version " + VERSION));
        }
        String version = headers.getFirst(VERSION_HEADER);
        if (!VERSION.equals(version)) {
            return Mono.error(new UpgradeRequired(versionRefused(version)));
        }
        if (!isKey(headers.getFirst(KEY_HEADER))) {
            return Mono.error(new ServerWebInputException(
                    "Sec-WebSocket-Key must be 16 random bytes in base64, 24 characters (RFC 6455, 4.1)"));
        }
        return handshakes.handleRequest(exchange, handler);
    }

    /** The 426's detail for a version other than 13, or none; a long one is cut. */
    private static String versionRefused(String asked) {
        String speaks = "This gateway speaks WebSocket version " + VERSION + " (RFC 6455); ";
        if (asked == null) {
            return speaks + "the handshake named no " + VERSION_HEADER;
        }
        return speaks + "the handshake asked for '"
                + (asked.length() > MAX_ECHO ? asked.substring(0, MAX_ECHO) + "..." : asked) + "'";
    }

    private static boolean isHttp10(ServerHttpRequest request) {
        return ServerHttpRequestDecorator.getNativeRequest(request) instanceof HttpServerRequest netty
                && HttpVersion.HTTP_1_0.equals(netty.version());
    }

    private static boolean isKey(String key) {
        try {
            return key != null && Base64.getDecoder().decode(key).length == KEY_BYTES;
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    /**
     * {@code 426}, naming the protocol to ask for with the {@code Connection} option that keeps intermediaries from
     * passing it on, as RFC 9110 (7.8 and 15.5.22) asks, and the version this gateway speaks (RFC 6455, 4.4).
     */
    private static final class UpgradeRequired extends ResponseStatusException {

        private final HttpHeaders headers = new HttpHeaders();

        UpgradeRequired(String detail) {
            super(HttpStatus.UPGRADE_REQUIRED, detail);
            headers.set(VERSION_HEADER, VERSION);
            headers.set(HttpHeaders.UPGRADE, "websocket");
            headers.set(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE);
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }
    }
}
