package io.streamgate.stream;

import java.util.regex.Pattern;

/** A stream's id: 1 to 128 of {@code A-Z a-z 0-9 . _ -}, and not a path segment like "." or "..". */
public record StreamId(String value) {

    /** What an id may look like, besides not being "." or "..". */
    public static final String PATTERN = "[A-Za-z0-9._-]{1,128}";

    private static final Pattern VALID = Pattern.compile(PATTERN);

    public StreamId {
        if (value == null || !VALID.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw new InvalidRequestException(
                    "Stream ids are 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' and '-' (and not '.' or '..')");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
