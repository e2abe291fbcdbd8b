package io.streamgate.stream;

/**
 * One event a reader receives.
 *
 * @param id    the event id (the result's position in the results log), or {@link #NO_ID} for a notice
 * @param json  the event's data, already encoded
 * @param bytes the size of {@code json} in UTF-8, as written to readers: what histories and batches are bounded by
 * @param trace the W3C {@code traceparent} that writing it to a reader joins, when traced; null otherwise
 */
public record ResultEvent(Kind kind, long id, String json, int bytes, String trace) {

    public static final long NO_ID = -1;

    public ResultEvent(Kind kind, long id, String json) {
        this(kind, id, json, null);
    }

    public ResultEvent(Kind kind, long id, String json, String trace) {
        this(kind, id, json, (int) Utf8.length(json), trace);
    }

    public enum Kind {
        RESULT("result", false), END("end", true), GAP("gap", false), OVERFLOW("overflow", true),
        RECONNECT("reconnect", true);

        private final String eventName;
        private final boolean endsReading;

        Kind(String eventName, boolean endsReading) {
            this.eventName = eventName;
            this.endsReading = endsReading;
        }

        /** The SSE {@code event:} name. */
        public String eventName() {
            return eventName;
        }

        /** Whether a reader's events end with this one: the stream's end, an overflow, a reconnect notice. */
        public boolean endsReading() {
            return endsReading;
        }
    }

    /** Sent to readers when this gateway shuts down: they should reconnect (to any node) with their last id. */
    public static final ResultEvent RECONNECT_AFTER_SHUTDOWN = Notices.reconnect("shutdown");

    public boolean hasId() {
        return id != NO_ID;
    }
}
