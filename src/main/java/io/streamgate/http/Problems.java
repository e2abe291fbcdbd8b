package io.streamgate.http;

import io.netty.handler.timeout.ReadTimeoutException;
import io.streamgate.logging.ThrottledLogLine;
import io.streamgate.metrics.StreamMetrics;
import io.streamgate.processing.InvalidOptionsException;
import io.streamgate.processing.UnknownProcessorException;
import io.streamgate.stream.CommandLogBusyException;
import io.streamgate.stream.CommandLogUnavailableException;
import io.streamgate.stream.CommandTooLargeException;
import io.streamgate.stream.IdempotencyKeyReusedException;
import io.streamgate.stream.InvalidRequestException;
import io.streamgate.stream.LimitExceededException;
import io.streamgate.stream.PartlyStoredException;
import io.streamgate.stream.ResultsNotCurrentException;
import io.streamgate.stream.ShuttingDownException;
import io.streamgate.stream.StartNotConfirmedException;
import io.streamgate.stream.StreamConflictException;
import io.streamgate.stream.StreamNotFoundException;
import io.streamgate.stream.TooManyStreamsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.reactive.resource.NoResourceFoundException;
import reactor.core.scheduler.Scheduler;
import reactor.netty.channel.AbortedException;

/**
 * The one place where failures become RFC 9457 problem details: a stable {@code type} per kind of problem, the
 * right status, a detail written for the client, and never a stack trace. Anything unexpected is a 500 whose
 * detail says nothing of the cause; the cause goes to the log.
 */
final class Problems {

    private static final Logger log = LoggerFactory.getLogger(Problems.class);

    private final StreamMetrics metrics;
    /** Lines a burst of failed requests would write at once, one a request: one a window ({@link ThrottledLogLine}). */
    private final ThrottledLogLine kafkaUnavailable;
    private final ThrottledLogLine kafkaRefusedAsTooLarge;
    private final ThrottledLogLine resultsNotCurrent;

    Problems(StreamMetrics metrics, Scheduler scheduler) {
        this.metrics = metrics;
        this.kafkaUnavailable = new ThrottledLogLine(log, Level.WARN, scheduler);
        this.kafkaRefusedAsTooLarge = new ThrottledLogLine(log, Level.ERROR, scheduler);
        this.resultsNotCurrent = new ThrottledLogLine(log, Level.WARN, scheduler);
    }

    /** A problem ready to render: status, extra headers and the body. */
    record Problem(HttpStatusCode status, HttpHeaders headers, ProblemBody body) {

        Problem(ProblemType type, String detail, String instance) {
            this(type.status, new HttpHeaders(), type.body(detail, instance));
        }

        Problem withBody(ProblemBody changed) {
            return new Problem(status, headers, changed);
        }
    }

    Problem of(Throwable error, String instance) {
        if (error instanceof BadLineException bad) {
            Problem problem = of(bad.getCause(), instance);
            return problem.withBody(problem.body().onLine(bad.line(), bad.getMessage()));
        }
        if (error instanceof InvalidRequestException || error instanceof UnknownProcessorException
                || error instanceof InvalidOptionsException) {
            return new Problem(ProblemType.INVALID_REQUEST, error.getMessage(), instance);
        }
        if (isRequestTimeout(error)) {
            return new Problem(ProblemType.REQUEST_TIMEOUT, "The request was not received completely in time", instance);
        }
        if (error instanceof AbortedException) {
            // The client stopped sending mid-request; whatever it still reads, this is its fault, not ours.
            return new Problem(ProblemType.INVALID_REQUEST, "The request ended before its body was complete", instance);
        }
        if (error instanceof InvalidMediaTypeException) {
            return new Problem(ProblemType.INVALID_REQUEST, "A Content-Type or Accept header is not a valid media type",
                    instance);
        }
        if (error instanceof StreamNotFoundException) {
            return new Problem(ProblemType.STREAM_NOT_FOUND, error.getMessage(), instance);
        }
        if (error instanceof StreamConflictException) {
            return new Problem(ProblemType.STREAM_CONFLICT, error.getMessage(), instance);
        }
        if (error instanceof IdempotencyKeyReusedException) {
            return new Problem(ProblemType.IDEMPOTENCY_KEY_REUSED, error.getMessage(), instance);
        }
        if (error instanceof LimitExceededException limit) {
            metrics.limitRejected(limit.limit());
            Problem problem = new Problem(ProblemType.LIMIT_EXCEEDED, limit.getMessage(), instance);
            if (limit.retryAfter() != null) {
                long seconds = Math.max(1, (limit.retryAfter().toMillis() + 999) / 1000);
                problem.headers().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            }
            return problem.withBody(problem.body().withLimit(limit.limit()));
        }
        if (error instanceof PayloadTooLargeException tooLarge) {
            return payloadTooLarge(tooLarge.limit(), tooLarge.getMessage(), instance);
        }
        if (error instanceof HeadersTooLargeException) {
            Problem problem = new Problem(ProblemType.HEADERS_TOO_LARGE, error.getMessage(), instance);
            return problem.withBody(problem.body().withLimit(HeadersTooLargeException.LIMIT));
        }
        if (error instanceof DataBufferLimitException) {
            return payloadTooLarge(PayloadTooLargeException.Limit.MAX_CHUNK_SIZE, "The request body is too large",
                    instance);
        }
        if (error instanceof ShuttingDownException) {
            Problem problem = retryLater(ProblemType.SHUTTING_DOWN, error.getMessage(), instance);
            problem.headers().set(HttpHeaders.CONNECTION, "close");
            return problem;
        }
        if (error instanceof StreamsOverCap.StreamOverCapException overCap) { // counted where it was found over
            Problem problem = retryLater(ProblemType.TOO_MANY_CONNECTIONS, error.getMessage(), instance);
            return problem.withBody(problem.body().withLimit(overCap.limit()));
        }
        if (error instanceof TooManyStreamsException) {
            metrics.limitRejected(TooManyStreamsException.LIMIT);
            Problem problem = retryLater(ProblemType.TOO_MANY_STREAMS, error.getMessage(), instance);
            return problem.withBody(problem.body().withLimit(TooManyStreamsException.LIMIT));
        }
        if (error instanceof CommandLogBusyException busy) {
            metrics.limitRejected(busy.limit());
            Problem problem = retryLater(ProblemType.KAFKA_BUSY, error.getMessage(), instance);
            return problem.withBody(problem.body().withLimit(busy.limit()));
        }
        if (error instanceof CommandTooLargeException) {
            kafkaRefusedAsTooLarge.log(error.getMessage()); // the operator's to mend
            return payloadTooLarge(PayloadTooLargeException.Limit.KAFKA_MAX_MESSAGE_BYTES,
                    "Kafka refused this as larger than its topic takes, though within this gateway's limits: an"
                            + " operator's setting (the topic's max.message.bytes), logged for them. Nothing was"
                            + " stored; the same request is refused until it is raised.", instance);
        }
        if (error instanceof PartlyStoredException partly) {
            return partlyStored(partly, instance);
        }
        if (error instanceof CommandLogUnavailableException) {
            kafkaUnavailable.log("Kafka did not take a command: " + error.getMessage());
            return retryLater(ProblemType.KAFKA_UNAVAILABLE,
                    "Kafka did not confirm in time that it stored the request, so most likely it did not; a broker"
                            + " that took it just as the time ran out may still hold it. Retry later: a send retried"
                            + " with its Idempotency-Key within 5 minutes counts once.",
                    instance);
        }
        if (error instanceof StartNotConfirmedException notConfirmed) {
            Problem problem = retryLater(ProblemType.START_NOT_CONFIRMED,
                    error.getMessage() + ". Retry with the same id: 409 means it is open.", instance);
            return problem.withBody(problem.body().withStreamId(notConfirmed.streamId().value()));
        }
        if (error instanceof ResultsNotCurrentException) {
            resultsNotCurrent.log("Could not confirm the results log is current: " + error.getCause());
            return retryLater(ProblemType.RESULTS_CATCHING_UP,
                    "This gateway could not confirm in time that it knows every stream; nothing was changed. Retry.",
                    instance);
        }
        if (error instanceof ErrorResponse response && response.getStatusCode().is4xxClientError()) {
            HttpStatusCode status = response.getStatusCode();
            String title = titleOf(status);
            String detail = error instanceof NoResourceFoundException
                    ? nothingAt(instance) : response.getBody().getDetail();
            Problem problem = new Problem(status, new HttpHeaders(), ProblemBody.of(slug(title), title, status.value(),
                    detail, instance));
            problem.headers().addAll(response.getHeaders());
            return problem;
        }
        log.error("Unexpected failure serving {}", instance, error);
        return new Problem(ProblemType.INTERNAL_ERROR, "The gateway failed unexpectedly; the failure has been logged.",
                instance);
    }

    /**
     * An unknown path, in the client's terms: Spring's own detail ("No static resource streams.") names the handler
     * that looked last, the demo page's static files.
     */
    private static String nothingAt(String path) {
        String detail = "Nothing is served at " + path;
        return path.length() > 1 && path.endsWith("/") ? detail + " (the API's paths end without a slash)" : detail;
    }

    /**
     * The request was not received in time: Netty's read timeout (nothing arrived for a while) or Reactor Netty's
     * request timeout (the whole request took too long), whichever fires first. The latter's exception class is
     * package-private, so it can only be recognised by name.
     */
    static boolean isRequestTimeout(Throwable error) {
        return error instanceof ReadTimeoutException // no byte for request-read-timeout: Netty's read timeout
                || (error instanceof io.netty.channel.ChannelException
                        && "RequestTimeoutException".equals(error.getClass().getSimpleName()));
    }

    /**
     * A batch Kafka stored in part: the status and type of why the rest was not, with {@code seqs} saying which part,
     * and no {@code Retry-After}, since a retry of the whole would store the stored part again.
     */
    private Problem partlyStored(PartlyStoredException partly, String instance) {
        Problem problem = of(partly.failure(), instance);
        problem.headers().remove(HttpHeaders.RETRY_AFTER);
        String why = partly.failure() instanceof CommandTooLargeException
                ? "refused the others as larger than its topic takes (an operator's setting)"
                : "could not store the others durably in time";
        return problem.withBody(problem.body().partlyStored(partly.positions(), "Kafka stored " + partly.storedCount()
                + " of the batch's " + partly.positions().size() + " chunks and " + why + ". 'seqs' gives each chunk's"
                + " seq in order, null for one not stored: resend only those (they will come after the others), not"
                + " the whole batch, whose stored chunks would be stored again."));
    }

    /** 413, counted under the limit that refused it, which the body names like every other limit's problem. */
    private Problem payloadTooLarge(PayloadTooLargeException.Limit limit, String detail, String instance) {
        metrics.limitRejected(limit.property);
        Problem problem = new Problem(ProblemType.PAYLOAD_TOO_LARGE, detail, instance);
        return problem.withBody(problem.body().withLimit(limit.property));
    }

    /** A 503 the client should retry in a second: the gateway or Kafka is not able to serve it right now. */
    private static Problem retryLater(ProblemType type, String detail, String instance) {
        Problem problem = new Problem(type, detail, instance);
        problem.headers().set(HttpHeaders.RETRY_AFTER, "1");
        return problem;
    }

    private static String titleOf(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known != null ? known.getReasonPhrase() : "HTTP " + status.value();
    }

    private static String slug(String title) {
        return title.toLowerCase().replaceAll("[^a-z0-9]+", "-");
    }
}
