package io.streamgate.http;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The body of every problem answer (RFC 9457), written by Jackson from this record alone: HTTP answers, WebSocket
 * error frames and close reasons, the connection cap's ready-made answer, and the API description's schema.
 */
@Schema(name = "Problem",
        description = "An RFC 9457 problem; 'limit', 'line', 'stream_id' and 'seqs' appear where they apply")
@JsonInclude(JsonInclude.Include.NON_NULL)
record ProblemBody(@Schema(example = "/problems/invalid-request") String type,
                   @Schema(example = "Invalid request") String title,
                   @Schema(example = "400") int status,
                   String detail,
                   String instance,
                   @Schema(description = "The limit that refused the request (413, 429, 503)") String limit,
                   @Schema(description = "The NDJSON line that refused the batch") Integer line,
                   @Schema(description = "The stream a start not confirmed in time stored (503)")
                   @JsonProperty("stream_id") String streamId,
                   @Schema(description = "An NDJSON batch Kafka stored in part: each chunk's seq in the batch's order,"
                           + " null for one not stored (resend only those)") List<Long> seqs) {

    private static final String TYPE_PREFIX = "/problems/";

    /** A problem of type {@code /problems/<slug>}, told about one request; without a detail, its title says it. */
    static ProblemBody of(String slug, String title, int status, String detail, String instance) {
        return new ProblemBody(TYPE_PREFIX + slug, title, status, detail == null ? title : detail, instance, null, null,
                null, null);
    }

    ProblemBody withLimit(String name) {
        return new ProblemBody(type, title, status, detail, instance, name, line, streamId, seqs);
    }

    /** The problem as the NDJSON line {@code number} caused it: {@code detail} says so. */
    ProblemBody onLine(int number, String lineDetail) {
        return new ProblemBody(type, title, status, lineDetail, instance, limit, number, streamId, seqs);
    }

    ProblemBody withStreamId(String id) {
        return new ProblemBody(type, title, status, detail, instance, limit, line, id, seqs);
    }

    /** The problem of a batch stored in part, as {@code partDetail} tells it: {@code seqs} says which part. */
    ProblemBody partlyStored(List<Long> stored, String partDetail) {
        return new ProblemBody(type, title, status, partDetail, instance, limit, line, streamId, stored);
    }
}
