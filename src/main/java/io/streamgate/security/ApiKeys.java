package io.streamgate.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The configured keys, held only as SHA-256 digests. A presented key is hashed and compared with every digest in
 * constant time, so neither the comparison nor which key matched shows in the timing.
 *
 * <p>A key's tenant id is derived from its digest: stable across restarts (streams stay with their owner) and
 * safe to store in Kafka keys and logs, since it reveals nothing usable of the key.
 */
final class ApiKeys {

    private final List<byte[]> digests;

    ApiKeys(List<String> keys) {
        this.digests = keys.stream().map(ApiKeys::sha256).toList();
    }

    boolean isEmpty() {
        return digests.isEmpty();
    }

    /** The tenant id of {@code presented}, or {@code null} when it is not one of the keys. */
    String tenantOf(String presented) {
        byte[] digest = sha256(presented);
        byte[] match = null;
        for (byte[] candidate : digests) {
            if (MessageDigest.isEqual(candidate, digest)) { // no early exit: every key is compared
                match = candidate;
            }
        }
        return match == null ? null : tenantId(match);
    }

    static String tenantId(byte[] digest) {
        return "t-" + HexFormat.of().formatHex(digest, 0, 8);
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no SHA-256", e);
        }
    }
}
