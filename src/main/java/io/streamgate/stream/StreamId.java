package io.streamgate.stream;

/** A stream's id: 1 to 128 of {@code A-Z a-z 0-9 . _ -}, and not a path segment like "." or "..". */
public record StreamId(String value) {

    private static final IdCharacters VALID = new IdCharacters("[A-Za-z0-9._-]", 1, 128);

    /** What an id may look like, besides not being "." or "..", as a regular expression. */
    public static final String PATTERN = VALID.pattern();

    public StreamId {
        if (value == null || !VALID.matches(value) || value.equals(".") || value.equals("..")) {
            throw new InvalidRequestException(
                    "Stream ids are 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' and '-' (and not '.' or '..')");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
