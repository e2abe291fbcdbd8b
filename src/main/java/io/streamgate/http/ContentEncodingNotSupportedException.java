package io.streamgate.http;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A request body sent in a content coding (gzip and the like). The gateway reads bodies as they arrive and decodes
 * none, so such a body would be parsed as compressed bytes, or stored as sent when mislabelled: it is refused with 415
 * and {@code Accept-Encoding: identity}, as RFC 9110 (section 12.5.3) asks.
 */
final class ContentEncodingNotSupportedException extends ResponseStatusException {

    ContentEncodingNotSupportedException(String coding) {
        super(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Encoding '" + coding
                + "' is not supported: send the body as it is (identity)");
    }

    @Override
    public HttpHeaders getHeaders() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.ACCEPT_ENCODING, "identity");
        return headers;
    }
}
