package io.streamgate.http;

import java.time.Instant;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

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
            this(SUCCESS, seqs.size() + " chunks sent to stream " + streamId + "!", seqs.size(),
                    Collections.min(seqs), Collections.max(seqs));
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
    }
}
