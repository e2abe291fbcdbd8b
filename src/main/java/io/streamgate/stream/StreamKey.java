package io.streamgate.stream;

import java.util.Objects;

/**
 * A stream as the system knows it: the tenant that owns it and its id, which is unique within that tenant only.
 * Its {@link #value()} is the Kafka key; ids cannot contain ':', so the separator is unambiguous.
 *
 * @param tenant the owning tenant's id; empty when the gateway runs without authentication
 */
public record StreamKey(String tenant, StreamId id) {

    private static final char SEPARATOR = ':';
    private static final IdCharacters TENANT = new IdCharacters("[A-Za-z0-9._@-]", 0, 128);

    public StreamKey {
        Objects.requireNonNull(id, "id");
        if (tenant == null || !TENANT.matches(tenant)) {
            throw new IllegalArgumentException("Tenant ids are up to 128 of A-Z, a-z, 0-9, '.', '_', '@' and '-'");
        }
    }

    /** The Kafka key: {@code tenant:id}, or just the id for the open (tenant-less) gateway. */
    public String value() {
        return tenant.isEmpty() ? id.value() : tenant + SEPARATOR + id.value();
    }

    /** The tenant part of a Kafka key, without parsing the rest: empty for the open gateway's keys. */
    static String tenantOf(String value) {
        int separator = value.indexOf(SEPARATOR);
        return separator < 0 ? "" : value.substring(0, separator);
    }

    /** The key read back from Kafka; fails with {@link InvalidRequestException} when it is not one. */
    static StreamKey parse(String value) {
        int separator = value.indexOf(SEPARATOR);
        if (separator < 0) {
            return new StreamKey("", new StreamId(value));
        }
        try {
            return new StreamKey(value.substring(0, separator), new StreamId(value.substring(separator + 1)));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("Not a stream key");
        }
    }

    @Override
    public String toString() {
        return value();
    }
}
