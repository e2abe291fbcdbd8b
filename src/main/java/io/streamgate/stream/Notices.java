package io.streamgate.stream;

import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.json.JsonMapper;

/**
 * The events a reader may get beside results (gap, overflow, reconnect), their data written by Jackson. Jackson's
 * shared default mapper: these are plain records with nothing to configure, made where no Spring context is at hand.
 */
final class Notices {

    private Notices() {
    }

    /** The id asked for is not held (any more): the reader resumes at {@code resumesAt}. */
    static ResultEvent gap(long lastEventId, long resumesAt) {
        return new ResultEvent(ResultEvent.Kind.GAP, ResultEvent.NO_ID, json(new Gap(id(lastEventId), id(resumesAt))));
    }

    /** The reader fell so far behind that the history dropped events it had not read. */
    static ResultEvent overflow(long lastEventId, long oldestHeld) {
        return new ResultEvent(ResultEvent.Kind.OVERFLOW, ResultEvent.NO_ID,
                json(new Overflow("slow-reader", id(lastEventId), id(oldestHeld))));
    }

    static ResultEvent reconnect(String reason) {
        return new ResultEvent(ResultEvent.Kind.RECONNECT, ResultEvent.NO_ID, json(new Reconnect(reason)));
    }

    private record Gap(@JsonProperty("last_event_id") Long lastEventId, @JsonProperty("resumes_at") Long resumesAt) {
    }

    private record Overflow(String reason, @JsonProperty("last_event_id") Long lastEventId,
                            @JsonProperty("oldest_held") Long oldestHeld) {
    }

    private record Reconnect(String reason) {
    }

    /** An event id as JSON: null for none. */
    private static Long id(long id) {
        return id == ResultEvent.NO_ID ? null : id;
    }

    private static String json(Object notice) {
        return JsonMapper.shared().writeValueAsString(notice);
    }
}
