package io.streamgate.http;

import org.springframework.http.HttpStatus;

/**
 * Every kind of problem Streamgate answers with, each once: its {@code type} (under {@code /problems/}), title and
 * status. Failures that Spring reports itself (404 for an unknown path, 405, 415 and the like) keep their status, and
 * their type is named from it.
 */
enum ProblemType {

    INVALID_REQUEST("invalid-request", "Invalid request", HttpStatus.BAD_REQUEST),
    REQUEST_TIMEOUT("request-timeout", "Request timeout", HttpStatus.REQUEST_TIMEOUT),
    REQUEST_LINE_TOO_LONG("uri-too-long", "URI Too Long", HttpStatus.URI_TOO_LONG),
    HEADERS_TOO_LARGE("request-header-fields-too-large", "Request Header Fields Too Large",
            HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE),
    NOT_IMPLEMENTED("not-implemented", "Not Implemented", HttpStatus.NOT_IMPLEMENTED),
    VERSION_NOT_SUPPORTED("http-version-not-supported", "HTTP Version Not Supported",
            HttpStatus.HTTP_VERSION_NOT_SUPPORTED),
    STREAM_NOT_FOUND("stream-not-found", "Stream not found", HttpStatus.NOT_FOUND),
    STREAM_CONFLICT("stream-conflict", "Stream state conflict", HttpStatus.CONFLICT),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", "Idempotency-Key reused", HttpStatus.UNPROCESSABLE_CONTENT),
    PAYLOAD_TOO_LARGE("payload-too-large", "Payload too large", HttpStatus.CONTENT_TOO_LARGE),
    LIMIT_EXCEEDED("limit-exceeded", "Limit exceeded", HttpStatus.TOO_MANY_REQUESTS),
    SHUTTING_DOWN("shutting-down", "Shutting down", HttpStatus.SERVICE_UNAVAILABLE),
    KAFKA_BUSY("kafka-busy", "Kafka busy", HttpStatus.SERVICE_UNAVAILABLE),
    KAFKA_UNAVAILABLE("kafka-unavailable", "Kafka unavailable", HttpStatus.SERVICE_UNAVAILABLE),
    START_NOT_CONFIRMED("start-not-confirmed", "Start not confirmed", HttpStatus.SERVICE_UNAVAILABLE),
    RESULTS_CATCHING_UP("results-catching-up", "Results catching up", HttpStatus.SERVICE_UNAVAILABLE),
    TOO_MANY_CONNECTIONS("too-many-connections", "Too many connections", HttpStatus.SERVICE_UNAVAILABLE),
    TOO_MANY_STREAMS("too-many-streams", "Too many open streams", HttpStatus.SERVICE_UNAVAILABLE),
    INTERNAL_ERROR("internal-error", "Internal error", HttpStatus.INTERNAL_SERVER_ERROR);

    private final String slug;
    private final String title;
    final HttpStatus status;

    ProblemType(String slug, String title, HttpStatus status) {
        this.slug = slug;
        this.title = title;
        this.status = status;
    }

    /** Its name, the last segment of its {@code type}, as meters tag it. */
    String slug() {
        return slug;
    }

    /** This kind of problem, told about one request. */
    ProblemBody body(String detail, String instance) {
        return ProblemBody.of(slug, title, status.value(), detail, instance);
    }
}
