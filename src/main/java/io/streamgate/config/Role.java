package io.streamgate.config;

/**
 * What an instance does ({@code streamgate.roles}); the same jar runs either or both (the default), so gateways scale
 * with connections and processors with partitions, separately.
 */
public enum Role {
    /** Serves the HTTP API: starts, sends, ends and readers. Holds no state of its own: any gateway serves any stream. */
    GATEWAY,
    /**
     * Consumes the requests topic in the processor group and writes results; owns the streams of its partitions,
     * which is where idle-timeout expiry runs, so each stream has exactly one owner in a cluster.
     */
    PROCESSOR
}
