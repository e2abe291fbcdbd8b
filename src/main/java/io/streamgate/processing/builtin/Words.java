package io.streamgate.processing.builtin;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * What the built-in processors take for a word: a run of characters none of which is Unicode {@code White_Space}, so
 * that {@code wordcount} counts exactly the words {@code split} yields. Java's {@code Character.isWhitespace} is not
 * that set: it leaves out the no-break spaces and NEL ({@code U+0085}) and takes in the separators
 * {@code U+001C..U+001F}.
 */
final class Words {

    private static final int NEXT_LINE = 0x85;

    private Words() {
    }

    /** Unicode's {@code White_Space}: the space separators (Zs, Zl, Zp), tab to carriage return, and NEL. */
    static boolean isSpace(int codePoint) {
        return Character.isSpaceChar(codePoint) || codePoint >= '\t' && codePoint <= '\r' || codePoint == NEXT_LINE;
    }

    static int count(String text) {
        int words = 0;
        for (int start = skipSpace(text, 0); start < text.length(); start = skipSpace(text, skipWord(text, start))) {
            words++;
        }
        return words;
    }

    /**
     * The words of {@code text}, in order, each cut only when asked for: a 1 MB chunk of one-letter words is half a
     * million words, which a list would hold all at once (about 24 MB) while its results go out a few at a time.
     */
    static Iterable<String> of(String text) {
        return () -> new Iterator<>() {

            private int start = skipSpace(text, 0);

            @Override
            public boolean hasNext() {
                return start < text.length();
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int end = skipWord(text, start);
                String word = text.substring(start, end);
                start = skipSpace(text, end);
                return word;
            }
        };
    }

    private static int skipSpace(String text, int from) {
        int i = from;
        while (i < text.length() && isSpace(text.codePointAt(i))) {
            i += Character.charCount(text.codePointAt(i));
        }
        return i;
    }

    private static int skipWord(String text, int from) {
        int i = from;
        while (i < text.length() && !isSpace(text.codePointAt(i))) {
            i += Character.charCount(text.codePointAt(i));
        }
        return i;
    }
}
