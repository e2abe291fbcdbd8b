package io.streamgate.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything that can be configured, under {@code streamgate.*}. Each value has a default, so an empty
 * configuration runs the gateway, the processor and an embedded broker on one machine.
 */
@ConfigurationProperties("streamgate")
public record StreamgateProperties(
        @DefaultValue({"gateway", "processor"}) Set<Role> roles,
        @DefaultValue Kafka kafka,
        @DefaultValue Broker broker,
        @DefaultValue Processor processor,
        @DefaultValue Processing processing,
        @DefaultValue Stream stream,
        @DefaultValue Security security,
        @DefaultValue Limits limits) {

    /** Room for a record's key and headers beside its chunk. */
    private static final long RECORD_OVERHEAD = 64 * 1024;

    public StreamgateProperties {
        require(!roles.isEmpty(), "streamgate.roles needs at least one of gateway, processor");
        require(kafka.maxRecordSize().toBytes() >= stream.maxChunkSize().toBytes() + RECORD_OVERHEAD,
                "streamgate.kafka.max-record-size must exceed streamgate.stream.max-chunk-size by at least 64KB, "
                        + "or Kafka would refuse chunks the gateway accepts");
    }

    /**
     * Where Kafka is and how the topics look.
     *
     * @param bootstrapServers   the cluster to use; empty starts the embedded broker instead
     * @param requestsTopic      chunks and start/end markers, keyed by stream id
     * @param resultsTopic       processed results, keyed by stream id
     * @param stateTopic         the processors' durable per-stream state (compacted; as many partitions as requests);
     *                           empty names it after the requests topic ({@code streamgate.processor-state})
     * @param deadLetterTopic    steps a processor failed on after its retries; empty names it after the requests
     *                           topic ({@code streamgate.dead-letters})
     * @param partitions         partitions of each topic when Streamgate creates it
     * @param replicationFactor  replication of each topic when Streamgate creates it; 0 takes the broker's default
     * @param maxRecordSize      the largest record the clients and topics accept (a chunk plus its processed result)
     * @param deliveryTimeout    how long a send may wait for the broker before it fails with 503
     * @param processorGroup     consumer group of the processors
     * @param producer           raw producer settings, passed through as they are
     * @param consumer           raw consumer settings, passed through as they are
     */
    public record Kafka(
            @DefaultValue("") String bootstrapServers,
            @DefaultValue("streamgate.requests") String requestsTopic,
            @DefaultValue("streamgate.results") String resultsTopic,
            @DefaultValue("") String stateTopic,
            @DefaultValue("") String deadLetterTopic,
            @DefaultValue("6") int partitions,
            @DefaultValue("0") short replicationFactor,
            @DefaultValue("8MB") DataSize maxRecordSize,
            @DefaultValue("30s") Duration deliveryTimeout,
            @DefaultValue("streamgate-processor") String processorGroup,
            @DefaultValue Map<String, String> producer,
            @DefaultValue Map<String, String> consumer) {

        public Kafka {
            require(partitions >= 1, "streamgate.kafka.partitions must be at least 1");
            require(replicationFactor >= 0, "streamgate.kafka.replication-factor must be 0 (broker default) or more");
            require(maxRecordSize.toBytes() >= 1024, "streamgate.kafka.max-record-size must be at least 1KB");
            require(deliveryTimeout.toMillis() >= 1000, "streamgate.kafka.delivery-timeout must be at least 1s");
            stateTopic = stateTopic.isBlank() ? besideRequests(requestsTopic, "processor-state") : stateTopic;
            deadLetterTopic = deadLetterTopic.isBlank() ? besideRequests(requestsTopic, "dead-letters") : deadLetterTopic;
            require(new HashSet<>(List.of(requestsTopic, resultsTopic, stateTopic, deadLetterTopic)).size() == 4,
                    "the requests, results, state and dead-letter topics must all differ");
        }

        public boolean embedded() {
            return bootstrapServers.isBlank();
        }

        /** {@code streamgate.requests} gives {@code streamgate.<name>}; any other requests topic, {@code <it>.<name>}. */
        private static String besideRequests(String requestsTopic, String name) {
            return requestsTopic.endsWith("requests")
                    ? requestsTopic.substring(0, requestsTopic.length() - "requests".length()) + name
                    : requestsTopic + "." + name;
        }
    }

    /**
     * The processor this instance runs when it has the {@code processor} role (consuming the requests topic in
     * {@code kafka.processor-group}).
     *
     * @param instanceId a name for this processor that stays the same across its restarts (e.g. the host or pod
     *                   name), unique in the group. A restarted processor with the same name fences its dead
     *                   predecessor's transaction and takes its partitions back at once; empty picks a random one
     *                   per run, and a dead processor's partitions then move on only after its 10 s session ends
     */
    public record Processor(@DefaultValue("") String instanceId) {

        public Processor {
            require(instanceId.matches("[A-Za-z0-9._-]{0,100}"),
                    "streamgate.processor.instance-id may hold up to 100 letters, digits, '.', '_' and '-'");
        }
    }

    /**
     * How streams are processed, on instances with the processor role.
     *
     * @param maxConcurrentStreams streams of one requests partition processed at once (each strictly in order); a
     *                             slow stream holds one of these, not its partition
     * @param chunkTimeout         how long a chunk's outputs may take in all (a start's, end's and timer's too),
     *                             besides the time they wait for room to be handed on; past it the attempt fails
     * @param retries              attempts after the first before a failing chunk is dead-lettered
     * @param retryBackoff         the wait before each retry
     * @param maxPendingCommands   commands read and not yet committed on this instance (what a command did waits in
     *                             memory for its transaction: this bounds a transaction too); past it, reading waits
     * @param maxPendingBytes      the same in bytes of records; each partition gets its share of both, so that one
     *                             partition's backlog does not leave the streams of the others waiting. And, counted
     *                             apart, the results waiting for their transaction: past it, steps wait for a commit
     *                             before they take more outputs, and begin only where room for their processor's next
     *                             output fits. 64 MB, or a sixteenth of a smaller heap than 1 GB
     *                             ({@link HeapDefaults})
     * @param maxStateBytes        what the streams' states on this instance may take of its heap, counted at two
     *                             bytes a character; past it, a step that would leave a larger state fails as a
     *                             processor's failure does. 256 MB, or an eighth of a heap under 2 GB
     *                             ({@link HeapDefaults})
     * @param http                 the {@code http} processor
     */
    public record Processing(
            @DefaultValue("64") int maxConcurrentStreams,
            @DefaultValue("30s") Duration chunkTimeout,
            @DefaultValue("2") int retries,
            @DefaultValue("500ms") Duration retryBackoff,
            @DefaultValue("100000") int maxPendingCommands,
            DataSize maxPendingBytes,
            DataSize maxStateBytes,
            @DefaultValue Http http) {

        public Processing {
            maxPendingBytes = HeapDefaults.maxPendingBytes(maxPendingBytes);
            maxStateBytes = HeapDefaults.maxStateBytes(maxStateBytes);
            require(maxConcurrentStreams >= 1, "streamgate.processing.max-concurrent-streams must be at least 1");
            require(chunkTimeout.toMillis() >= 1, "streamgate.processing.chunk-timeout must be positive");
            require(retries >= 0, "streamgate.processing.retries must not be negative");
            require(!retryBackoff.isNegative(), "streamgate.processing.retry-backoff must not be negative");
            require(maxPendingCommands >= 1, "streamgate.processing.max-pending-commands must be at least 1");
            require(maxPendingBytes.toBytes() >= 1, "streamgate.processing.max-pending-bytes must be positive");
            require(maxStateBytes.toBytes() >= 1, "streamgate.processing.max-state-bytes must be positive");
        }
    }

    /**
     * @param url            where the {@code http} processor POSTs each chunk; empty: the processor refuses streams
     * @param maxConnections connections to it at once (calls beyond wait for one)
     */
    public record Http(@DefaultValue("") String url, @DefaultValue("512") int maxConnections) {

        public Http {
            require(url.isEmpty() || url.startsWith("http://") || url.startsWith("https://"),
                    "streamgate.processing.http.url must be an http:// or https:// URL");
            require(maxConnections >= 1, "streamgate.processing.http.max-connections must be at least 1");
        }
    }

    /**
     * The embedded single-node KRaft broker used when no bootstrap servers are configured.
     *
     * @param dataDir where the broker keeps its logs; kept across restarts
     * @param port    the client port on 127.0.0.1; 0 picks a free one
     */
    public record Broker(
            @DefaultValue("data/kafka") Path dataDir,
            @DefaultValue("0") int port) {

        public Broker {
            require(port >= 0 && port <= 65535, "streamgate.broker.port must be a TCP port or 0");
        }
    }

    /**
     * Stream behaviour.
     *
     * @param idleTimeout       a stream with no send for this long is ended with reason {@code idle-timeout}
     * @param heartbeatInterval how often an SSE comment (a ping, on a WebSocket) keeps an idle reader's connection open
     * @param maxChunkSize      the largest {@code data} a send accepts (UTF-8 bytes); larger answers 413
     * @param historyLimit      results kept per stream for late and resuming readers
     * @param historySize       bytes of results (their data in UTF-8) kept per stream (whichever bound is reached first
     *                          applies)
     * @param historyBudget     the most heap all open streams' results take together (their text and what holding
     *                          them costs, about 88 bytes a result): each stream's results take at most an equal
     *                          share of it. 256 MB, or an eighth of a smaller heap than 2 GB ({@link HeapDefaults})
     * @param idempotencyBudget the most heap all open streams' remembered Idempotency-Keys take together (about 124
     *                          bytes a key), shared by the open streams that remember any: each remembers its last
     *                          1,024 keys or its equal share of this, whichever is fewer. 128 MB, or a sixteenth
     *                          of a smaller heap than 2 GB
     * @param endedRetention    how long an ended stream stays readable before it is forgotten
     * @param endedHistoryBudget the most heap all ended streams nobody reads hold together (their results' text and
     *                          what holding them costs, about 1 KB a stream and 88 bytes a result); past it the streams
     *                          that ended first are forgotten before their retention is up. 256 MB, or an eighth of
     *                          a smaller heap than 2 GB
     * @param defaultProcessor  the processor of a stream started without one
     * @param maxBatchChunks    the most chunks one NDJSON send may carry (413 beyond)
     * @param maxBatchSize      the largest NDJSON send body (413 beyond); the chunks are held until the last line
     *                          is checked, so this bounds what one batch costs in memory
     */
    public record Stream(
            @DefaultValue("5m") Duration idleTimeout,
            @DefaultValue("15s") Duration heartbeatInterval,
            @DefaultValue("1MB") DataSize maxChunkSize,
            @DefaultValue("10000") int historyLimit,
            @DefaultValue("4MB") DataSize historySize,
            DataSize historyBudget,
            DataSize idempotencyBudget,
            @DefaultValue("1h") Duration endedRetention,
            DataSize endedHistoryBudget,
            @DefaultValue("uppercase") String defaultProcessor,
            @DefaultValue("1000") int maxBatchChunks,
            @DefaultValue("4MB") DataSize maxBatchSize) {

        public Stream {
            historyBudget = HeapDefaults.historyBudget(historyBudget);
            idempotencyBudget = HeapDefaults.idempotencyBudget(idempotencyBudget);
            endedHistoryBudget = HeapDefaults.endedHistoryBudget(endedHistoryBudget);
            require(!idleTimeout.isNegative() && !idleTimeout.isZero(), "streamgate.stream.idle-timeout must be positive");
            require(!heartbeatInterval.isNegative() && !heartbeatInterval.isZero(),
                    "streamgate.stream.heartbeat-interval must be positive");
            require(maxChunkSize.toBytes() >= 1, "streamgate.stream.max-chunk-size must be positive");
            require(historyLimit >= 1, "streamgate.stream.history-limit must be at least 1");
            require(historySize.toBytes() >= 1024, "streamgate.stream.history-size must be at least 1KB");
            require(historyBudget.toBytes() >= 1024, "streamgate.stream.history-budget must be at least 1KB");
            require(idempotencyBudget.toBytes() >= 1024, "streamgate.stream.idempotency-budget must be at least 1KB");
            require(!endedRetention.isNegative(), "streamgate.stream.ended-retention must not be negative");
            require(!endedHistoryBudget.isNegative(), "streamgate.stream.ended-history-budget must not be negative");
            require(maxBatchChunks >= 1, "streamgate.stream.max-batch-chunks must be at least 1");
            require(maxBatchSize.toBytes() >= maxChunkSize.toBytes(),
                    "streamgate.stream.max-batch-size must be at least streamgate.stream.max-chunk-size");
        }
    }

    /**
     * Who may use the gateway.
     *
     * @param apiKeys      client keys; each key is its own tenant. Empty: the API is open (and listens on loopback
     *                     unless {@code server.address} is set)
     * @param operatorKeys keys that may read the actuator endpoints other than health (metrics, Prometheus)
     * @param cors         cross-origin access for browser clients
     * @param jwt          how a bearer JWT names its tenant, when JWTs are accepted
     *                     ({@code spring.security.oauth2.resourceserver.jwt.*} set)
     */
    public record Security(
            @DefaultValue List<String> apiKeys,
            @DefaultValue List<String> operatorKeys,
            @DefaultValue Cors cors,
            @DefaultValue Jwt jwt) {

        private static final int MIN_KEY_LENGTH = 16;

        public Security {
            apiKeys = List.copyOf(apiKeys);
            operatorKeys = List.copyOf(operatorKeys);
            for (List<String> keys : List.of(apiKeys, operatorKeys)) {
                for (String key : keys) {
                    require(key != null && key.strip().length() >= MIN_KEY_LENGTH && key.strip().equals(key),
                            "API and operator keys must be at least " + MIN_KEY_LENGTH
                                    + " characters with no surrounding spaces");
                }
                require(new HashSet<>(keys).size() == keys.size(), "API and operator keys must not repeat");
            }
        }

        /** Never prints a key: configuration objects end up in logs and failure messages. */
        @Override
        public String toString() {
            return "Security[apiKeys=" + apiKeys.size() + " configured, operatorKeys=" + operatorKeys.size()
                    + " configured, cors=" + cors + ", jwt=" + jwt + "]";
        }
    }

    /** @param tenantClaim the claim whose (string) value is a JWT caller's tenant */
    public record Jwt(@DefaultValue("sub") String tenantClaim) {

        public Jwt {
            require(!tenantClaim.isBlank(), "streamgate.security.jwt.tenant-claim must not be blank");
        }
    }

    /**
     * @param allowedOrigins   origins allowed to call the API from a browser; empty turns CORS off
     * @param allowCredentials whether browsers may send credentials; never together with a "*" origin
     * @param maxAge           how long browsers may cache a preflight answer
     */
    public record Cors(
            @DefaultValue List<String> allowedOrigins,
            @DefaultValue("false") boolean allowCredentials,
            @DefaultValue("30m") Duration maxAge) {

        public Cors {
            allowedOrigins = List.copyOf(allowedOrigins);
            require(!(allowCredentials && allowedOrigins.stream().anyMatch(origin -> origin.contains("*"))),
                    "streamgate.security.cors.allow-credentials cannot be used with a wildcard origin");
        }
    }

    /**
     * Limits, each answered with its status and a problem body (see the README's Security section).
     *
     * @param openStreamsPerTenant    streams a tenant may have open at once (429)
     * @param openStreams             streams all tenants may have open at once, as this gateway sees the deployment
     *                                (503, Retry-After): what bounds the heap open streams take whatever the number
     *                                of tenants, about 1 KB each beside their shares of history-budget and
     *                                idempotency-budget. 100,000, or as many as take an eighth of a smaller heap than
     *                                about 800 MB ({@link HeapDefaults})
     * @param sendsPerSecondPerTenant sends a tenant may make per second, with a burst of as many (429, Retry-After)
     * @param readersPerStream        SSE readers connected to one stream (429)
     * @param readersPerTenant        SSE readers and WebSockets connected to one tenant's streams on this node (429):
     *                                unless set, half of what other tenants' readers leave of max-connections
     *                                ({@link TenantShare#halfOfWhatOthersLeave}), so that no tenant's readers, nor
     *                                two tenants' together, take every connection of a node others call too; 20,000
     *                                where one tenant is all there can be (an open gateway, or one API key and no
     *                                JWTs). Read it with {@link #readersPerTenant(boolean)}
     * @param maxConnections          HTTP connections open at once on this node (503, then closed): what bounds the
     *                                heap SSE readers (16 KB each) and WebSockets (23 KB) take. 20,000, or as many
     *                                as take a sixth of a heap smaller than 1.9 GB at 16 KB ({@link HeapDefaults})
     * @param maxManagementConnections connections open at once on the management port, when
     *                                {@code management.server.port} gives the actuator one (503, then closed): a cap
     *                                of its own, so that health checks are not refused with the API's connections
     * @param maxSendsInFlight        commands (mostly sends) waiting for Kafka's acknowledgement at once on this
     *                                node; more answer 503 with Retry-After. Bounds the memory chunks can hold
     *                                while Kafka is slow, with max-bytes-in-flight
     * @param maxSendsInFlightPerTenant what one tenant's commands may hold of max-sends-in-flight (429 with
     *                                Retry-After), so that no tenant, nor two together, take every place while Kafka is
     *                                slow: unless set, half of what the other tenants leave of it
     *                                ({@link TenantShare#halfOfWhatOthersLeave}); all of it where one tenant is all
     *                                there can be. Read it with {@link #maxSendsInFlightPerTenant(boolean)}
     * @param maxBytesInFlight        the size of the sends this node holds at once, counted twice over: HTTP send
     *                                bodies from before they are read until answered (each its Content-Length) with
     *                                WebSocket frames from their headers until answered, and the chunks of any
     *                                sends waiting for Kafka (a character counted as a byte); more answer 503 with
     *                                Retry-After. A sixteenth of the heap ({@link HeapDefaults}): max-sends-in-flight
     *                                alone let 4,096 sends of 1 MB exhaust a 2 GB gateway
     * @param maxBytesInFlightPerTenant what one tenant's send bodies and WebSocket frames may hold of
     *                                max-bytes-in-flight (429 with Retry-After; a socket closes with 1013), so that no
     *                                tenant, nor two together, take all of it: unless set, half of what the other
     *                                tenants leave of it ({@link TenantShare#halfOfWhatOthersLeave}). Where one tenant
     *                                is all there can be (an open gateway, or one API key and no JWTs), it may hold
     *                                all of it. Read it with {@link #maxBytesInFlightPerTenant(boolean)}
     * @param requestReadTimeout      time allowed to receive a whole request, headers and body (408, then closed);
     *                                also how long a connection may sit idle between requests
     * @param maxHeaderSize           all request headers together (431); must stay below
     *                                {@code server.max-http-request-header-size}, Netty's hard cap
     */
    public record Limits(
            @DefaultValue("1000") int openStreamsPerTenant,
            Integer openStreams,
            @DefaultValue("20000") long sendsPerSecondPerTenant,
            @DefaultValue("100") int readersPerStream,
            Integer readersPerTenant,
            Integer maxConnections,
            @DefaultValue("64") int maxManagementConnections,
            @DefaultValue("4096") int maxSendsInFlight,
            Integer maxSendsInFlightPerTenant,
            DataSize maxBytesInFlight,
            DataSize maxBytesInFlightPerTenant,
            @DefaultValue("30s") Duration requestReadTimeout,
            @DefaultValue("8KB") DataSize maxHeaderSize) {

        /**
         * One tenant's readers where it is the only tenant: its share is the whole node, and max-connections bounds
         * its readers over HTTP/1.1; this, those an HTTP/2 client multiplexes over fewer connections.
         */
        private static final int ONE_TENANTS_READERS = 20_000;

        public Limits {
            openStreams = HeapDefaults.openStreams(openStreams);
            maxBytesInFlight = HeapDefaults.maxBytesInFlight(maxBytesInFlight);
            maxConnections = HeapDefaults.maxConnections(maxConnections);
            require(openStreamsPerTenant >= 1 && openStreams >= 1 && sendsPerSecondPerTenant >= 1
                    && readersPerStream >= 1 && (readersPerTenant == null || readersPerTenant >= 1)
                    && maxConnections >= 1
                    && maxManagementConnections >= 1 && maxSendsInFlight >= 1
                    && (maxSendsInFlightPerTenant == null || maxSendsInFlightPerTenant >= 1),
                    "streamgate.limits.* must be at least 1");
            require(requestReadTimeout.toMillis() >= 100, "streamgate.limits.request-read-timeout must be at least 100ms");
            require(maxHeaderSize.toBytes() >= 1024, "streamgate.limits.max-header-size must be at least 1KB");
            require(maxBytesInFlight.toBytes() >= 1024, "streamgate.limits.max-bytes-in-flight must be at least 1KB");
            require(maxBytesInFlightPerTenant == null || maxBytesInFlightPerTenant.toBytes() >= 1024,
                    "streamgate.limits.max-bytes-in-flight-per-tenant must be at least 1KB");
        }

        /**
         * The commands waiting for Kafka one tenant may have: all of {@code max-sends-in-flight} when {@code oneTenant},
         * else {@code max-sends-in-flight-per-tenant} as set, or where it is not, half of what the other tenants leave
         * of the node's.
         */
        public TenantShare maxSendsInFlightPerTenant(boolean oneTenant) {
            return TenantShare.ofTheNodes(maxSendsInFlight,
                    maxSendsInFlightPerTenant == null ? null : maxSendsInFlightPerTenant.longValue(), oneTenant);
        }

        /**
         * The bytes in flight one tenant may hold: all of {@code max-bytes-in-flight} when {@code oneTenant} (one
         * tenant is all there can be, so its share is the node's), else {@code max-bytes-in-flight-per-tenant} as
         * set, or where it is not, half of what the other tenants leave of the node's.
         */
        public TenantShare maxBytesInFlightPerTenant(boolean oneTenant) {
            return TenantShare.ofTheNodes(maxBytesInFlight.toBytes(),
                    maxBytesInFlightPerTenant == null ? null : maxBytesInFlightPerTenant.toBytes(), oneTenant);
        }

        /**
         * {@code readers-per-tenant} as set, or where it is not: 20,000 when {@code oneTenant} (one tenant is all
         * there can be), else half of what the other tenants' readers leave of {@code max-connections}. Unlike the
         * bytes, a number set applies to one tenant too: it was an operator's cap on a tenant's readers before there
         * were shares.
         */
        public TenantShare readersPerTenant(boolean oneTenant) {
            return readersPerTenant != null ? TenantShare.fixed(readersPerTenant)
                    : oneTenant ? TenantShare.fixed(ONE_TENANTS_READERS)
                    : TenantShare.halfOfWhatOthersLeave(maxConnections);
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
