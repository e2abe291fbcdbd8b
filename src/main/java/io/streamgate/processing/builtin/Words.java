package io.streamgate.processing.builtin;

import java.util.ArrayList;
import java.util.List;

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
        boolean inWord = false;
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            boolean space = isSpace(text.codePointAt(i));
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        return words;
    }

    static List<String> of(String text) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            boolean space = isSpace(text.codePointAt(i));
            if (space && start >= 0) {
                words.add(text.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            words.add(text.substring(start));
        }
        return words;
    }
}
