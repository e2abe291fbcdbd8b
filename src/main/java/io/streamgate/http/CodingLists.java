package io.streamgate.http;

import java.util.List;

/**
 * A header that lists codings, {@code Content-Encoding} or {@code Transfer-Encoding}: its values comma-separated,
 * each coding's name case-insensitive, empty list elements skipped as RFC 9110 (5.6.1) asks.
 */
final class CodingLists {

    private CodingLists() {
    }

    /** The first coding the header's values name other than {@code accepted}, or null when they name only it. */
    static String firstOtherThan(List<String> values, String accepted) {
        for (String value : values) {
            for (String element : value.split(",")) {
                String coding = element.strip();
                if (!coding.isEmpty() && !coding.equalsIgnoreCase(accepted)) {
                    return coding;
                }
            }
        }
        return null;
    }
}
