package io.streamgate.processing.engine;

/**
 * A failure's message as far as a record can carry it. A processor's exception may say anything, a whole chunk or a
 * service's whole answer among it; an error result or a dead letter with more than the log takes would make Kafka
 * refuse the partition's transaction each time the partition's work started over, and no stream of it would get
 * another result.
 */
final class Excerpts {

    /** What readers get of a failure: enough to say what went wrong, in an error result of a few kilobytes. */
    static final int FOR_READERS = 1_000;
    /**
     * What the log and a dead letter get: at most 48 KB as JSON (six bytes a character, escaped), inside the 64 KB a
     * record holds beyond its chunk ({@code max-record-size}'s rule).
     */
    static final int FOR_OPERATORS = 8_000;

    private Excerpts() {
    }

    /** {@code text} if it has at most {@code maxChars} characters; else its start, whole code points, and "…". */
    static String of(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int end = maxChars - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }
}
