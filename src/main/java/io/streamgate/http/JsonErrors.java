package io.streamgate.http;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

/**
 * What is wrong with a client's JSON, told where it is and in the client's terms. Jackson's own messages say what it
 * found, which a client can use, and then how a Java programmer would make Jackson take it ("enable
 * `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", "from `StreamReadConstraints.getMaxNameLength()`", "since
 * Feature 'ALLOW_COMMENTS' not enabled"), which a client cannot: those hints are cut, the rest kept.
 */
final class JsonErrors {

    /** Where a Jackson message stops speaking to the client: a Java name in backticks, or one of its features. */
    private static final String[] HINT_MARKERS = {"`", "Feature '"};

    /** The characters one of Jackson's clauses ends or starts with. */
    private static final String CLAUSE_BOUNDARIES = ":,;(.";

    private JsonErrors() {
    }

    /**
     * What follows "is not valid JSON": {@code " at line 2, column 7: <what Jackson found>"},
     * {@code " at column 7: ..."} for text that is one line, or {@code ": ..."} when Jackson knows no place.
     */
    static String describe(JacksonException error, boolean oneLine) {
        String finding = withoutHints(error.getOriginalMessage());
        TokenStreamLocation at = error.getLocation();
        if (at == null || at.getLineNr() < 1 || at.getColumnNr() < 1) {
            return ": " + finding;
        }
        String place = oneLine ? " at column " : " at line " + at.getLineNr() + ", column ";
        return place + at.getColumnNr() + ": " + finding;
    }

    /** Jackson's message up to its first hint for programmers, the clause that introduces the hint cut with it. */
    static String withoutHints(String message) {
        int hint = firstHint(message);
        if (hint < 0) {
            return message;
        }
        int clause = lastBoundaryBefore(message, hint);
        String kept = message.substring(0, Math.max(clause, 0)).strip();
        if (kept.isEmpty()) {
            return message; // all hint: better Jackson's words than none
        }
        long open = kept.chars().filter(c -> c == '(').count();
        long closed = kept.chars().filter(c -> c == ')').count();
        return kept + ")".repeat((int) Math.max(0, open - closed));
    }

    private static int firstHint(String message) {
        int first = -1;
        for (String marker : HINT_MARKERS) {
            int at = message.indexOf(marker);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    private static int lastBoundaryBefore(String message, int end) {
        for (int i = end - 1; i >= 0; i--) {
            if (CLAUSE_BOUNDARIES.indexOf(message.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
