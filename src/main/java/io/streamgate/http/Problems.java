package io.streamgate.http;

import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.handler.timeout.ReadTimeoutException;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.processing.InvalidOptionsException;
import io.streamgate.processing.UnknownProcessorException;
import io.streamgate.stream.CommandLogBusyException;
import io.streamgate.stream.CommandLogUnavailableException;
import io.streamgate.stream.InvalidRequestException;
import io.streamgate.stream.LimitExceededException;
import io.streamgate.stream.ResultsNotCurrentException;
import io.streamgate.stream.ShuttingDownException;
import io.streamgate.stream.StartNotConfirmedException;
import io.streamgate.stream.StreamConflictException;
import io.streamgate.stream.StreamNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.web.ErrorResponse;
import reactor.netty.channel.AbortedException;

/**
 * The one place where failures become RFC 9457 problem details: a stable {@code type} per kind of problem, the
 * right status, a detail written for the client, and never a stack trace. Anything unexpected is a 500 whose
 * detail says nothing of the cause; the cause goes to the log.
 */
final class Problems {

    private static final Logger log = LoggerFactory.getLogger(Problems.class);

    private final StreamMetrics metrics;

    Problems(StreamMetrics metrics) {
        this.metrics = metrics;
    }

    /** A problem ready to render: status, extra headers and the body's members in order. */
    record Problem(HttpStatusCode status, HttpHeaders headers, Map<String, Object> body) {
    }

    Problem of(Throwable error, String instance) {
        if (error instanceof BadLineException bad) {
            Problem problem = of(bad.getCause(), instance);
            problem.body().put("detail", bad.getMessage());
            problem.body().put("line", bad.line());
            return problem;
        }
        if (error instanceof InvalidRequestException || error instanceof UnknownProcessorException
                || error instanceof InvalidOptionsException) {
            return problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", error.getMessage(), instance);
        }
        if (isRequestTimeout(error)) {
            return problem(HttpStatus.REQUEST_TIMEOUT, "request-timeout", "Request timeout",
                    "The request was not received completely in time", instance);
        }
        if (error instanceof AbortedException) {
            // The client stopped sending mid-request; whatever it still reads, this is its fault, not ours.
            return problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                    "The request ended before its body was complete", instance);
        }
        if (error instanceof InvalidMediaTypeException) {
            return problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                    "A Content-Type or Accept header is not a valid media type", instance);
        }
        if (error instanceof StreamNotFoundException) {
            return problem(HttpStatus.NOT_FOUND, "stream-not-found", "Stream not found", error.getMessage(), instance);
        }
        if (error instanceof StreamConflictException) {
            return problem(HttpStatus.CONFLICT, "stream-conflict", "Stream state conflict", error.getMessage(), instance);
        }
        if (error instanceof LimitExceededException limit) {
            metrics.limitRejected(limit.limit());
            Problem problem = problem(HttpStatus.TOO_MANY_REQUESTS, "limit-exceeded", "Limit exceeded",
                    limit.getMessage(), instance);
            problem.body().put("limit", limit.limit());
            if (limit.retryAfter() != null) {
                long seconds = Math.max(1, (limit.retryAfter().toMillis() + 999) / 1000);
                problem.headers().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            }
            return problem;
        }
        if (error instanceof PayloadTooLargeException tooLarge) {
            return payloadTooLarge(tooLarge.limit(), tooLarge.getMessage(), instance);
        }
        if (error instanceof DataBufferLimitException) {
            return payloadTooLarge(PayloadTooLargeException.Limit.MAX_CHUNK_SIZE, "The request body is too large",
                    instance);
        }
        if (error instanceof ShuttingDownException) {
            Problem problem = retryLater("shutting-down", "Shutting down", error.getMessage(), instance);
            problem.headers().set(HttpHeaders.CONNECTION, "close");
            return problem;
        }
        if (error instanceof CommandLogBusyException) {
            metrics.limitRejected("max-sends-in-flight");
            return retryLater("kafka-busy", "Kafka busy", error.getMessage(), instance);
        }
        if (error instanceof CommandLogUnavailableException) {
            log.warn("Kafka did not take a command: {}", error.getMessage());
            return retryLater("kafka-unavailable", "Kafka unavailable",
                    "The stream log could not store the request durably in time; nothing was stored. Retry later.",
                    instance);
        }
        if (error instanceof StartNotConfirmedException notConfirmed) {
            Problem problem = retryLater("start-not-confirmed", "Start not confirmed",
                    error.getMessage() + ". Retry with the same id: 409 means it is open.", instance);
            problem.body().put("stream_id", notConfirmed.streamId().value());
            return problem;
        }
        if (error instanceof ResultsNotCurrentException) {
            log.warn("Could not confirm the results log is current: {}", String.valueOf(error.getCause()));
            return retryLater("results-catching-up", "Results catching up",
                    "This gateway could not confirm in time that it knows every stream; nothing was changed. Retry.",
                    instance);
        }
        if (error instanceof ErrorResponse response && response.getStatusCode().is4xxClientError()) {
            Problem problem = problem(response.getStatusCode(), slug(response.getStatusCode()),
                    titleOf(response.getStatusCode()), response.getBody().getDetail(), instance);
            problem.headers().addAll(response.getHeaders());
            return problem;
        }
        log.error("Unexpected failure serving {}", instance, error);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                "The gateway failed unexpectedly; the failure has been logged.", instance);
    }

    /**
     * The request was not received in time: Netty's read timeout (nothing arrived for a while) or Reactor Netty's
     * request timeout (the whole request took too long), whichever fires first. The latter's exception class is
     * package-private, so it can only be recognised by name.
     */
    private static boolean isRequestTimeout(Throwable error) {
        return error instanceof ReadTimeoutException // no byte for request-read-timeout: Netty's read timeout
                || (error instanceof io.netty.channel.ChannelException
                        && "RequestTimeoutException".equals(error.getClass().getSimpleName()));
    }

    /** A 503 the client should retry in a second: the gateway or Kafka is not able to serve it right now. */
    /** 413, counted under the limit that refused it, which the body names like every other limit's problem. */
    private Problem payloadTooLarge(PayloadTooLargeException.Limit limit, String detail, String instance) {
        metrics.limitRejected(limit.property);
        Problem problem = problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Payload too large", detail,
                instance);
        problem.body().put("limit", limit.property);
        return problem;
    }

    private static Problem retryLater(String slug, String title, String detail, String instance) {
        Problem problem = problem(HttpStatus.SERVICE_UNAVAILABLE, slug, title, detail, instance);
        problem.headers().set(HttpHeaders.RETRY_AFTER, "1");
        return problem;
    }

    private static Problem problem(HttpStatusCode status, String slug, String title, String detail, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "/problems/" + slug);
        body.put("title", title);
        body.put("status", status.value());
        body.put("detail", detail == null ? title : detail);
        body.put("instance", instance);
        return new Problem(status, new HttpHeaders(), body);
    }

    private static String titleOf(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known != null ? known.getReasonPhrase() : "HTTP " + status.value();
    }

    private static String slug(HttpStatusCode status) {
        return titleOf(status).toLowerCase().replaceAll("[^a-z0-9]+", "-");
    }
}
