package io.streamgate.http;

import io.netty.handler.codec.compression.Zstd;

/**
 * Loads Netty's zstd support on the starting thread, before any event loop needs it.
 *
 * <p>Netty's HTTP client asks whether zstd is available for every compressed-capable response it decodes, one without
 * a {@code Content-Encoding} included, and the first time it asks, {@code Zstd}'s static initializer extracts
 * zstd-jni's native library from its jar (it comes with kafka-clients) and loads it: file I/O on an event loop. The
 * resource server's JWKS fetch did so (found by the tests' blocking-call report in JwtIT). BlockHound's error, thrown
 * inside that initializer and caught by Netty, also left zstd marked unavailable for the whole JVM.
 */
final class ZstdSupport {

    private ZstdSupport() {
    }

    static void load() {
        Zstd.isAvailable();
    }
}
