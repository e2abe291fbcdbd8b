package io.streamgate.http;

import java.util.List;

import io.streamgate.stream.InvalidRequestException;
import io.streamgate.stream.ResultEvent;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.NotAcceptableStatusException;

/**
 * The request headers the stream API reads, each parsed and checked here, with a 400 problem when malformed (and a 406
 * when a results read accepts neither of their representations).
 */
final class RequestHeaders {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String LAST_EVENT_ID = "Last-Event-ID";
    /** What a stream's results can be read as: live Server-Sent Events, or the results held as JSON. */
    private static final List<MediaType> RESULTS = List.of(MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_JSON);

    private RequestHeaders() {
    }

    /** The optional {@code Idempotency-Key}: 1 to 128 visible ASCII characters; null when absent. */
    static String idempotencyKey(ServerRequest request) {
        String key = request.headers().firstHeader(IDEMPOTENCY_KEY);
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
        String value = request.headers().firstHeader(LAST_EVENT_ID);
        if (value == null) {
            value = request.queryParam("lastEventId").orElse(null);
        }
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

    /**
     * Whether a stream's results are read as JSON rather than as Server-Sent Events: only when the request gives JSON a
     * higher quality than SSE (so SSE without an {@code Accept}, for {@code *}{@code /*}, and on a tie). {@code 406} when
     * it gives both a quality of 0.
     */
    static boolean resultsAsJson(ServerRequest request) {
        List<MediaType> accept = request.headers().accept();
        if (!acceptsResults(accept)) {
            throw new NotAcceptableStatusException(RESULTS);
        }
        return prefersJson(accept);
    }

    /** Whether an {@code Accept} gives SSE or JSON a quality above 0. */
    static boolean acceptsResults(List<MediaType> accept) {
        return quality(accept, MediaType.TEXT_EVENT_STREAM) > 0 || quality(accept, MediaType.APPLICATION_JSON) > 0;
    }

    static boolean prefersJson(List<MediaType> accept) {
        return quality(accept, MediaType.APPLICATION_JSON) > quality(accept, MediaType.TEXT_EVENT_STREAM);
    }

    /** Refuses a body in a content coding other than {@code identity}: the gateway decodes none. */
    static void requireIdentityEncoding(ServerRequest request) {
        for (String value : request.headers().header(HttpHeaders.CONTENT_ENCODING)) {
            for (String coding : value.split(",")) {
                String name = coding.trim();
                if (!name.isEmpty() && !"identity".equalsIgnoreCase(name)) {
                    throw new ContentEncodingNotSupportedException(name);
                }
            }
        }
    }

    static boolean isNdjson(ServerRequest request) {
        return request.headers().contentType().map(MediaType.APPLICATION_NDJSON::equalsTypeAndSubtype).orElse(false);
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
