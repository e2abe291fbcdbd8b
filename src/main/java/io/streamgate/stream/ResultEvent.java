package io.streamgate.stream;

/**
 * One event a reader receives.
 *
 * @param id   the event id (the result's seq), or {@link #NO_ID} for a gap notice
 * @param json the event's data, already encoded
 */
public record ResultEvent(Kind kind, long id, String json) {

    public static final long NO_ID = -1;

    public enum Kind {
        RESULT("result"), END("end"), GAP("gap");

        private final String eventName;

        Kind(String eventName) {
            this.eventName = eventName;
        }

        /** The SSE {@code event:} name. */
        public String eventName() {
            return eventName;
        }
    }

    public boolean hasId() {
        return id != NO_ID;
    }
}
