package io.streamgate.http;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import io.streamgate.stream.InvalidRequestException;
import io.streamgate.stream.ResultEvent;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * The request headers the stream API reads, each parsed and checked here: a 400 problem when malformed, a 406 when a
 * results read takes neither of their forms, a 415 for a body in a content coding or a charset other than UTF-8.
 */
final class RequestHeaders {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String LAST_EVENT_ID = "Last-Event-ID";
    private static final String LAST_EVENT_ID_PARAMETER = "lastEventId";
    /** What a stream's results can be read as: live Server-Sent Events, or the results held as JSON. */
    private static final List<MediaType> RESULTS = List.of(MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_JSON);

    private RequestHeaders() {
    }

    /** The optional {@code Idempotency-Key}: 1 to 128 visible ASCII characters; null when absent. */
    static String idempotencyKey(ServerRequest request) {
        String key = oneValue(request.headers().header(IDEMPOTENCY_KEY), IDEMPOTENCY_KEY);
        if (key == null) {
            return null;
        }
        if (key.isEmpty() || key.length() > 128 || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7E)) {
            throw new InvalidRequestException("Idempotency-Key must be 1 to 128 visible ASCII characters");
        }
        return key;
    }

    /**
     * {@code Last-Event-ID} (set by EventSource on reconnect), or the {@code lastEventId} query parameter for clients
     * that cannot set headers; {@link ResultEvent#NO_ID} when neither is given.
     */
    static long lastEventId(ServerRequest request) {
        return lastEventId(oneValue(request.headers().header(LAST_EVENT_ID), LAST_EVENT_ID),
                () -> request.queryParam(LAST_EVENT_ID_PARAMETER).orElse(null));
    }

    /** The same for a WebSocket's handshake, which a browser can give only the query parameter. */
    static long lastEventId(HandshakeInfo handshake) {
        return lastEventId(oneValue(handshake.getHeaders().getOrEmpty(LAST_EVENT_ID), LAST_EVENT_ID), () -> {
            String encoded = UriComponentsBuilder.fromUri(handshake.getUri()).build().getQueryParams()
                    .getFirst(LAST_EVENT_ID_PARAMETER);
            return encoded == null ? null : UriUtils.decode(encoded, StandardCharsets.UTF_8);
        });
    }

    /**
     * A header's value, null when absent, and a 400 when it comes more than once: the lines together are one list
     * (RFC 9110 section 5.3), and a key or a position is one value, so which of them was meant is not for the gateway
     * to guess (a retry deduplicated under the one it did not mean would be stored twice).
     */
    private static String oneValue(List<String> values, String header) {
        if (values.size() > 1) {
            throw new InvalidRequestException("Send one " + header + " header, not " + values.size());
        }
        return values.isEmpty() ? null : values.get(0);
    }

    private static long lastEventId(String header, Supplier<String> parameter) {
        String value = header != null ? header : parameter.get();
        if (value == null || value.isBlank()) {
            return ResultEvent.NO_ID;
        }
        try {
            long id = Long.parseLong(value.trim());
            if (id < 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Last-Event-ID must be an event id received from this stream");
        }
    }

    /** How a read asks for a stream's results, by its {@code Accept}. */
    enum ResultsForm { SSE, JSON, NEITHER }

    /**
     * Whether a stream's results are read as JSON rather than as Server-Sent Events; {@code 406} when the request
     * takes neither.
     */
    static boolean resultsAsJson(ServerRequest request) {
        ResultsForm form = resultsForm(request.headers().accept());
        if (form == ResultsForm.NEITHER) {
            throw new NotAcceptableStatusException(RESULTS);
        }
        return form == ResultsForm.JSON;
    }

    /**
     * JSON only when the {@code Accept} gives it a higher quality than SSE; else SSE (without an {@code Accept}, for
     * {@code *}{@code /*}, on a tie), unless it gives SSE a quality of 0 too.
     */
    static ResultsForm resultsForm(List<MediaType> accept) {
        double sse = quality(accept, MediaType.TEXT_EVENT_STREAM);
        double json = quality(accept, MediaType.APPLICATION_JSON);
        if (json > sse) {
            return ResultsForm.JSON;
        }
        return sse > 0 ? ResultsForm.SSE : ResultsForm.NEITHER;
    }

    /**
     * Refuses, with 415, a body the gateway would not read as sent: one in a content coding other than
     * {@code identity} (none is decoded), or one declared in a charset other than UTF-8 (JSON is UTF-8, RFC 8259;
     * US-ASCII is part of it), which would be refused as invalid UTF-8 or JSON, or stored altered.
     */
    static void requireReadableBody(ServerRequest request) {
        requireIdentityEncoding(request);
        MediaType type = contentType(request).orElse(null);
        Charset charset = type == null ? null : type.getCharset();
        if (charset != null && !charset.equals(StandardCharsets.UTF_8) && !charset.equals(StandardCharsets.US_ASCII)) {
            throw charsetNotSupported(type, charset.name());
        }
    }

    /**
     * The request's {@code Content-Type}, if it has one. One naming a charset this JVM does not know is refused with
     * 415, as any charset but UTF-8 is: it is a well-formed media type (a charset is any token), which Spring's parser
     * takes for a malformed one, a 400 telling the client its header is not a media type. Any other malformed one is
     * a 400.
     */
    static Optional<MediaType> contentType(ServerRequest request) {
        try {
            return request.headers().contentType();
        } catch (InvalidMediaTypeException malformed) {
            String header = request.headers().firstHeader(HttpHeaders.CONTENT_TYPE);
            int parameters = header.indexOf(';');
            String charset = parameters < 0 ? null : charsetParameter(header.substring(parameters + 1));
            if (charset == null || isKnown(charset)) {
                throw malformed;
            }
            MediaType type;
            try {
                type = MediaType.parseMediaType(header.substring(0, parameters));
            } catch (InvalidMediaTypeException alsoMalformed) {
                throw malformed;
            }
            throw charsetNotSupported(type, charset);
        }
    }

    private static UnsupportedMediaTypeStatusException charsetNotSupported(MediaType type, String charset) {
        UnsupportedMediaTypeStatusException refused = new UnsupportedMediaTypeStatusException(type,
                List.of(new MediaType(type, StandardCharsets.UTF_8)));
        refused.setDetail("Charset " + charset + " is not supported: send the body in UTF-8");
        return refused;
    }

    /** The value of a {@code charset} among a media type's parameters ({@code a=b; charset="c"}), unquoted; or null. */
    private static String charsetParameter(String parameters) {
        for (String parameter : parameters.split(";")) {
            int equals = parameter.indexOf('=');
            if (equals > 0 && parameter.substring(0, equals).trim().equalsIgnoreCase("charset")) {
                String value = parameter.substring(equals + 1).trim();
                boolean quoted = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"");
                String name = quoted ? value.substring(1, value.length() - 1) : value;
                return name.isBlank() ? null : name;
            }
        }
        return null;
    }

    private static boolean isKnown(String charset) {
        try {
            return Charset.isSupported(charset);
        } catch (IllegalCharsetNameException notAName) {
            return false;
        }
    }

    private static void requireIdentityEncoding(ServerRequest request) {
        String coding = CodingLists.firstOtherThan(request.headers().header(HttpHeaders.CONTENT_ENCODING), "identity");
        if (coding != null) {
            throw new ContentEncodingNotSupportedException(coding);
        }
    }

    static boolean isNdjson(ServerRequest request) {
        return contentType(request).map(MediaType.APPLICATION_NDJSON::equalsTypeAndSubtype).orElse(false);
    }

    /**
     * The quality an {@code Accept} gives a media type: that of the most specific range including it, {@code text/*}
     * before {@code *}{@code /*} (RFC 9110, section 12.5.1); 0 when none does, 1 when there is no {@code Accept}.
     */
    private static double quality(List<MediaType> accept, MediaType type) {
        if (accept.isEmpty()) {
            return 1;
        }
        MediaType best = null;
        for (MediaType range : accept) {
            if (range.includes(type) && (best == null || specificity(range) > specificity(best))) {
                best = range;
            }
        }
        return best == null ? 0 : best.getQualityValue();
    }

    private static int specificity(MediaType range) {
        return range.isWildcardType() ? 0 : range.isWildcardSubtype() ? 1 : 2;
    }
}
