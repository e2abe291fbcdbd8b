package io.streamgate.http;

import java.util.List;

import io.streamgate.stream.ResultEvent;

/** The {@code Accept: application/json} form of a stream's results, built from the events' pre-encoded JSON. */
final class ResultsSnapshot {

    private ResultsSnapshot() {
    }

    static String json(List<ResultEvent> events, boolean ended) {
        StringBuilder body = new StringBuilder(64 + events.size() * 48).append("{\"status\":\"success\",\"data\":[");
        boolean first = true;
        for (ResultEvent event : events) {
            if (event.kind() != ResultEvent.Kind.RESULT) {
                continue;
            }
            if (!first) {
                body.append(',');
            }
            body.append(event.json());
            first = false;
        }
        return body.append("],\"ended\":").append(ended).append('}').toString();
    }
}
