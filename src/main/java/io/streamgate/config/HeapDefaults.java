package io.streamgate.config;

import java.util.Optional;

import org.springframework.util.unit.DataSize;

/**
 * The defaults of the settings that decide how much heap a gateway's streams hold: the open streams' histories
 * ({@code history-budget}) and remembered keys ({@code idempotency-budget}), the ended streams' histories
 * ({@code ended-history-budget}) and the open streams themselves ({@code open-streams}, about 1 KB each). On a heap of
 * 2 GB or more they are the fixed values they always were; on a smaller one, a share of it (an eighth each, a
 * sixteenth for the keys: together less than half), so that a gateway in a small container forgets and refuses before
 * it runs out of memory. With the fixed values a 384 MB heap (the image's in a 512 MB container) ran out of memory
 * after 2,000 streams of 500 KB of results (BENCHMARKS.md section 94). So do the connections a node holds open
 * ({@code max-connections}): a sixth of a heap under about 2 GB at 16 KB a connection (an SSE reader holds 15.8 KB,
 * a WebSocket 22.8 KB: over a fifth of the heap if all are sockets); 18,000 readers on a 384 MB heap whose streams held
 * their histories left it collecting without end (section 97). And the size of the sends a node holds at once
 * ({@code max-bytes-in-flight}): a sixteenth of the heap, whatever its size. On a processor, the records read and not
 * yet committed ({@code max-pending-bytes}): a sixteenth of a heap under 1 GB, each held about four times over (the
 * record, its chunk's text, the result and its encoding); at the fixed 64 MB a processor on 256 MB, fetching 8 MB at a
 * time, ran out of memory in a backlog of 1 MB chunks that it once worked through with 16 MB (section 105). And its
 * streams' states ({@code max-state-bytes}): an eighth of a heap under 2 GB, as a processor that takes another's
 * partitions over restores their states whole, beyond its own (section 113). A value set explicitly is kept as set.
 */
public final class HeapDefaults {

    /** The heap a gateway's streams hold about 1 KB of for each open stream, besides its shares of the budgets. */
    public static final long OPEN_STREAM_BYTES = 1024;
    /**
     * The heap an open connection holds as an SSE reader (15.8 KB, BENCHMARKS.md section 16), rounded up; a WebSocket
     * holds 22.8 KB (section 100).
     */
    static final long CONNECTION_BYTES = 16 * 1024;

    static final DataSize HISTORY_BUDGET = DataSize.ofMegabytes(256);
    static final DataSize IDEMPOTENCY_BUDGET = DataSize.ofMegabytes(128);
    static final DataSize ENDED_HISTORY_BUDGET = DataSize.ofMegabytes(256);
    static final DataSize MAX_PENDING_BYTES = DataSize.ofMegabytes(64);
    static final DataSize MAX_STATE_BYTES = DataSize.ofMegabytes(256);
    static final int OPEN_STREAMS = 100_000;
    static final int MAX_CONNECTIONS = 20_000;

    /** This JVM's heap, -Xmx or its share of the machine's or the container's memory. */
    private static final long MAX_HEAP = Runtime.getRuntime().maxMemory();

    private HeapDefaults() {
    }

    static DataSize historyBudget(DataSize configured) {
        return configured != null ? configured : share(MAX_HEAP, 8, HISTORY_BUDGET);
    }

    static DataSize idempotencyBudget(DataSize configured) {
        return configured != null ? configured : share(MAX_HEAP, 16, IDEMPOTENCY_BUDGET);
    }

    static DataSize endedHistoryBudget(DataSize configured) {
        return configured != null ? configured : share(MAX_HEAP, 8, ENDED_HISTORY_BUDGET);
    }

    /** The sends held at once (bodies being read or answered, chunks waiting for Kafka): a sixteenth of the heap. */
    static DataSize maxBytesInFlight(DataSize configured) {
        return configured != null ? configured : DataSize.ofBytes(MAX_HEAP / 16);
    }

    static DataSize maxPendingBytes(DataSize configured) {
        return configured != null ? configured : share(MAX_HEAP, 16, MAX_PENDING_BYTES);
    }

    static DataSize maxStateBytes(DataSize configured) {
        return configured != null ? configured : share(MAX_HEAP, 8, MAX_STATE_BYTES);
    }

    static int openStreams(Integer configured) {
        return configured != null ? configured : openStreams(MAX_HEAP);
    }

    static int maxConnections(Integer configured) {
        return configured != null ? configured : maxConnections(MAX_HEAP);
    }

    /** This JVM's heap. */
    public static long maxHeap() {
        return MAX_HEAP;
    }

    /**
     * What the settings let a gateway's streams hold at most (the three budgets, and the open streams at about 1 KB
     * each), when that is more than half of {@code heap}: the JVM would run out of memory before they refused or
     * forgot anything. Only values set so can be: the defaults take less than half together.
     */
    public static Optional<String> overHalf(StreamgateProperties.Stream stream, StreamgateProperties.Limits limits,
                                            long heap) {
        long streams = limits.openStreams() * OPEN_STREAM_BYTES;
        long held = stream.historyBudget().toBytes() + stream.endedHistoryBudget().toBytes()
                + stream.idempotencyBudget().toBytes() + streams;
        if (held <= heap / 2) {
            return Optional.empty();
        }
        return Optional.of("The streams' settings let them hold up to " + mb(held) + " of heap (history-budget "
                + mb(stream.historyBudget().toBytes()) + ", ended-history-budget "
                + mb(stream.endedHistoryBudget().toBytes()) + ", idempotency-budget "
                + mb(stream.idempotencyBudget().toBytes()) + ", open-streams " + limits.openStreams() + " at about 1 KB"
                + " each), more than half of this JVM's " + mb(heap) + ": it would run out of memory before they"
                + " refused or forgot anything. Give it more heap (-Xmx, or -XX:MaxRAMPercentage in a container) or"
                + " lower them; left unset, each takes a share of a heap smaller than 2 GB.");
    }

    private static String mb(long bytes) {
        return bytes / (1024 * 1024) + " MB";
    }

    /** {@code heap}'s {@code part}th, or {@code most} if that is less. */
    static DataSize share(long heap, int part, DataSize most) {
        return DataSize.ofBytes(Math.min(most.toBytes(), heap / part));
    }

    /** As many connections as take a sixth of {@code heap}, or {@link #MAX_CONNECTIONS} if that is fewer. */
    static int maxConnections(long heap) {
        return count(heap, 6, CONNECTION_BYTES, MAX_CONNECTIONS);
    }

    /** As many open streams as take an eighth of {@code heap}, or {@link #OPEN_STREAMS} if that is fewer. */
    static int openStreams(long heap) {
        return count(heap, 8, OPEN_STREAM_BYTES, OPEN_STREAMS);
    }

    /** As many things of {@code each} bytes as take {@code heap}'s {@code part}th (at least one), or {@code most}. */
    private static int count(long heap, int part, long each, int most) {
        return (int) Math.min(most, Math.max(1, heap / part / each));
    }
}
