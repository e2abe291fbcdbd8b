package io.streamgate.processing.builtin;

/**
 * Whether a text holds a part, in time linear in the text's length, whatever the two hold. {@link String#contains}
 * compares the part at each position of the text, up to the part's length each time: for a text {@code aaa…a} and a
 * part {@code aaa…ab} that is the product of their lengths, so a filter's 4 KB option made each 1 MB chunk cost a
 * worker 0.45 s, and each 8 KB chunk 4 ms of the engine's own thread, which every stream of the node waits for.
 */
final class Substrings {

    /**
     * The longest part left to {@link String#contains}: at most this many comparisons a character, and the JDK's
     * intrinsic is several times faster than the search below on ordinary text.
     */
    private static final int SHORT_PART = 8;

    private Substrings() {
    }

    static boolean contains(String text, String part) {
        if (part.length() <= SHORT_PART) {
            return text.contains(part);
        }
        if (part.length() > text.length()) {
            return false;
        }
        return knuthMorrisPratt(text, part);
    }

    /**
     * Reads each character of the text once, keeping how much of the part ends there; on a mismatch it falls back to
     * the longest border of what matched (a prefix of the part that is also its suffix) instead of going back in the
     * text. The border table is built only once a character matches, in time linear in the part's length.
     */
    private static boolean knuthMorrisPratt(String text, String part) {
        char first = part.charAt(0);
        int[] borders = null;
        int matched = 0;
        for (int i = 0; i < text.length(); i++) {
            if (matched == 0) {
                i = text.indexOf(first, i);
                if (i < 0) {
                    return false;
                }
                matched = 1;
            } else {
                char next = text.charAt(i);
                while (matched > 0 && next != part.charAt(matched)) {
                    matched = borders[matched - 1];
                }
                if (next == part.charAt(matched)) {
                    matched++;
                }
            }
            if (matched == part.length()) {
                return true;
            }
            if (borders == null) {
                borders = borders(part);
            }
        }
        return false;
    }

    /** {@code borders[k]}: the length of the longest proper prefix of {@code part[0..k]} that is also its suffix. */
    private static int[] borders(String part) {
        int[] borders = new int[part.length()];
        int border = 0;
        for (int k = 1; k < part.length(); k++) {
            while (border > 0 && part.charAt(k) != part.charAt(border)) {
                border = borders[border - 1];
            }
            if (part.charAt(k) == part.charAt(border)) {
                border++;
            }
            borders[k] = border;
        }
        return borders;
    }
}
