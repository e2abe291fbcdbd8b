package io.streamgate.stream;

import java.util.regex.Pattern;

/**
 * What an id may look like: {@code min} to {@code max} characters of one character class of ASCII characters, checked
 * by a lookup table made from that class. An id is checked on every request and on every record of the results log
 * that names it; regular expressions took 1.1% of a short stream's CPU in the gateway (BENCHMARKS.md section 76).
 * The class stays the one definition: the table is what {@link Pattern} says of each ASCII character, and
 * {@link #pattern()} the expression the API description publishes.
 */
final class IdCharacters {

    private final String characterClass;
    private final int min;
    private final int max;
    private final boolean[] allowed = new boolean[128];

    /** {@code characterClass} is a regular expression of one ASCII character, such as {@code [a-z]}. */
    IdCharacters(String characterClass, int min, int max) {
        this.characterClass = characterClass;
        this.min = min;
        this.max = max;
        Pattern one = Pattern.compile(characterClass);
        for (char c = 0; c < allowed.length; c++) {
            allowed[c] = one.matcher(String.valueOf(c)).matches();
        }
    }

    boolean matches(String value) {
        int length = value.length();
        if (length < min || length > max) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= allowed.length || !allowed[c]) {
                return false;
            }
        }
        return true;
    }

    /** The same rule as a regular expression. */
    String pattern() {
        return characterClass + "{" + min + "," + max + "}";
    }
}
