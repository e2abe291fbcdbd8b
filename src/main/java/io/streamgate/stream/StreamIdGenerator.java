package io.streamgate.stream;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Unguessable ids for streams started without one: 128 random bits in hex.
 *
 * <p>{@code UUID.randomUUID()} may read {@code /dev/urandom} on the calling thread, which would block a Netty
 * event loop; a DRBG seeded once here, at start-up, only computes afterwards.
 */
public final class StreamIdGenerator {

    private final SecureRandom random;

    public StreamIdGenerator() {
        try {
            random = SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no DRBG SecureRandom", e);
        }
        random.nextBytes(new byte[16]); // seeds now, on the start-up thread
    }

    public StreamId next() {
        return new StreamId(randomHex());
    }

    /** A name for one start attempt, unique across gateways (it tells whose start of an id won). */
    public String nextStartId() {
        return randomHex();
    }

    private String randomHex() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
