package io.streamgate.http;

import java.time.Instant;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.streamgate.stream.ResultEvent;
import io.streamgate.stream.StreamSession;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.util.RawValue;

/** Success bodies, in the {@code {"status": "success", "message": ...}} shape existing clients expect. */
final class ApiResponses {

    private static final String SUCCESS = "success";

    private ApiResponses() {
    }

    record Started(String status, String message, @JsonProperty("stream_id") String streamId) {
        Started(String streamId) {
            this(SUCCESS, "Stream started successfully!", streamId);
        }
    }

    record Sent(String status, String message, long seq) {
        Sent(String streamId, long seq) {
            this(SUCCESS, "Data sent to stream " + streamId + "!", seq);
        }
    }

    record SentBatch(String status, String message, int chunks,
                     @JsonProperty("first_seq") long firstSeq, @JsonProperty("last_seq") long lastSeq) {
        SentBatch(String streamId, List<Long> seqs) {
            this(SUCCESS, seqs.size() + (seqs.size() == 1 ? " chunk" : " chunks") + " sent to stream " + streamId + "!",
                    seqs.size(), Collections.min(seqs), Collections.max(seqs));
        }
    }

    record Ended(String status, String message) {
        Ended(String streamId) {
            this(SUCCESS, "Stream " + streamId + " disconnected successfully");
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Status(String status,
                  @JsonProperty("stream_id") String streamId,
                  String state,
                  String processor,
                  Instant created,
                  @JsonProperty("end_reason") String endReason,
                  long results,
                  long readers) {

        static Status of(StreamSession session) {
            return new Status(SUCCESS, session.id().value(), session.state().name().toLowerCase(), session.processor(),
                    session.created(), session.endReason(), session.results(), session.readers());
        }
    }

    /**
     * The {@code Accept: application/json} form of a stream's results: the results held after the {@code Last-Event-ID}
     * asked for (all held without one), oldest first, each as the JSON encoded once for every reader and spliced in as
     * it is; the id to ask after next time, so that a client polling gets each result once; and, when results before
     * those were dropped or the id asked for is not held, the {@code gap} notice a live reader would get.
     */
    @Schema(description = "The results held for the stream after the Last-Event-ID asked for (all held without one), "
            + "oldest first")
    record Results(@Schema(example = "success") String status,
                   @ArraySchema(schema = @Schema(implementation = Object.class,
                           description = "A result: seq, data, and fields the processor adds")) List<RawValue> data,
                   @Schema(description = "Whether the end event has been seen") boolean ended,
                   @Schema(description = "The id of the newest event answered (the end event's once ended), or the "
                           + "one asked for if none is newer: ask after it next time (Last-Event-ID or lastEventId); "
                           + "null while the stream has none", nullable = true, example = "42")
                   @JsonProperty("last_event_id") Long lastEventId,
                   @Schema(description = "Present when results before those answered were dropped (older than the "
                           + "stream's history) or the id asked for is not held: the gap event's data, "
                           + "last_event_id and resumes_at", implementation = Object.class)
                   @JsonInclude(JsonInclude.Include.NON_NULL) RawValue gap) {

        Results(List<ResultEvent> events, long askedAfter, boolean ended) {
            this(SUCCESS, events.stream().filter(event -> event.kind() == ResultEvent.Kind.RESULT)
                    .map(event -> new RawValue(event.json())).toList(), ended, newestId(events, askedAfter),
                    events.isEmpty() || events.get(0).kind() != ResultEvent.Kind.GAP ? null
                            : new RawValue(events.get(0).json()));
        }

        private static Long newestId(List<ResultEvent> events, long askedAfter) {
            for (int i = events.size() - 1; i >= 0; i--) {
                if (events.get(i).hasId()) {
                    return events.get(i).id();
                }
            }
            return askedAfter == ResultEvent.NO_ID ? null : askedAfter;
        }
    }
}
