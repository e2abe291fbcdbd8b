package io.streamgate.kafka;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import io.streamgate.processing.engine.StreamCommand;

/**
 * The chunks sent under an {@code Idempotency-Key} that a processor's connection has read, by partition, so that a
 * retry ({@link RetriedSends}) is decided without reading its partition again: after an outage the clients' retries
 * come at once, and each would read the partition from the outage's start, one after another. A partition is known
 * from the first record read in its current assignment (its epoch) on; past {@link #MAX_COPIES} the oldest copies are
 * forgotten first, and a partition is then known only from past the last forgotten. A retry whose lower bound is not
 * known has the stretch of the log before what is known read into the index ({@link #learn}), so the retries that
 * follow it are decided without a read: after a restart or a rebalance, a processor reads its partition back once,
 * not once a retry (BENCHMARKS.md section 92).
 *
 * <p>Used by the connection's records one at a time, in order (never at once), whichever thread each comes on.
 */
final class CopyIndex {

    /**
     * About 320 bytes each, the stream's key and the recorded key being the record's own strings: 10.5 MB full
     * (load-tests/heap.sh CopyHeap).
     */
    static final int MAX_COPIES = 32_768;

    private record Key(String stream, String recordedKey) {
    }

    /** A chunk sent under a key, where it lies: its stream and recorded key, never its data. */
    record KeyedChunk(long offset, String stream, String recordedKey) {

        KeyedChunk(long offset, StreamCommand command) {
            this(offset, command.streamId(), command.idempotencyKey());
        }
    }

    /** The keyed chunks of a stretch of a partition, oldest first: every one from {@code knownFrom} on. */
    record Stretch(long knownFrom, List<KeyedChunk> chunks) {
    }

    /** One partition's copies in one assignment of it. */
    private static final class Partition {

        final long epoch;
        /** Every copy at or past this position is known. */
        long knownFrom;
        final Map<Key, long[]> copies = new HashMap<>();

        Partition(long epoch, long knownFrom) {
            this.epoch = epoch;
            this.knownFrom = knownFrom;
        }
    }

    private record Copy(Partition partition, Key key, long offset) {
    }

    private final int maxCopies;
    private final Map<Integer, Partition> partitions = new HashMap<>();
    /** Every copy noted, oldest first, to forget in that order (those of a past assignment too, until their turn). */
    private final Deque<Copy> oldestFirst = new ArrayDeque<>();

    CopyIndex() {
        this(MAX_COPIES);
    }

    CopyIndex(int maxCopies) {
        this.maxCopies = maxCopies;
    }

    /** Notes the record at {@code offset} of {@code partition}, read in assignment {@code epoch}; null: no command. */
    void note(int partition, long epoch, long offset, StreamCommand command) {
        Partition known = partitions.get(partition);
        if (known == null || known.epoch != epoch) {
            known = new Partition(epoch, offset);
            partitions.put(partition, known);
        }
        if (!isKeyedChunk(command)) {
            return;
        }
        Key key = new Key(command.streamId(), command.idempotencyKey());
        long[] offsets = known.copies.get(key);
        known.copies.put(key, offsets == null ? new long[] {offset} : append(offsets, offset));
        oldestFirst.addLast(new Copy(known, key, offset));
        while (oldestFirst.size() > maxCopies) {
            forget(oldestFirst.removeFirst());
        }
    }

    /**
     * Where the copies of {@code partition} in assignment {@code epoch} are known from: the record at {@code next}
     * would be the first it notes, when none is noted yet.
     */
    long knownFrom(int partition, long epoch, long next) {
        Partition known = partitions.get(partition);
        return known == null || known.epoch != epoch ? next : known.knownFrom;
    }

    /**
     * Learns the keyed chunks of a stretch of {@code partition} read back up to {@code until}, which must be where
     * the index knows the partition from ({@link #knownFrom}; the record at {@code next} when it has noted none yet).
     * They are older than every copy known, so the first forgotten when the index is over its bound.
     */
    void learn(int partition, long epoch, long next, Stretch stretch, long until) {
        Partition known = partitions.get(partition);
        if (known == null || known.epoch != epoch) {
            known = new Partition(epoch, next);
            partitions.put(partition, known);
        }
        if (until != known.knownFrom) {
            return; // not the stretch just before what is known
        }
        List<KeyedChunk> chunks = stretch.chunks();
        for (int i = chunks.size() - 1; i >= 0; i--) {
            KeyedChunk chunk = chunks.get(i);
            Key key = new Key(chunk.stream(), chunk.recordedKey());
            long[] offsets = known.copies.get(key);
            known.copies.put(key, offsets == null ? new long[] {chunk.offset()} : prepend(chunk.offset(), offsets));
            oldestFirst.addFirst(new Copy(known, key, chunk.offset()));
        }
        known.knownFrom = stretch.knownFrom();
        while (oldestFirst.size() > maxCopies) {
            forget(oldestFirst.removeFirst());
        }
    }

    /**
     * The position of the first copy of {@code chunk} from {@code from} up to {@code retry} in {@code partition}
     * (the retry's own when none came before it), if this index knows every copy from {@code from} on in assignment
     * {@code epoch}; empty if not.
     */
    OptionalLong firstCopy(int partition, long epoch, StreamCommand chunk, long from, long retry) {
        Partition known = partitions.get(partition);
        if (known == null || known.epoch != epoch || from < known.knownFrom) {
            return OptionalLong.empty();
        }
        long[] offsets = known.copies.get(new Key(chunk.streamId(), chunk.idempotencyKey()));
        if (offsets != null) {
            for (long offset : offsets) {
                if (offset >= from && offset < retry) {
                    return OptionalLong.of(offset);
                }
            }
        }
        return OptionalLong.of(retry);
    }

    /** A chunk sent under an {@code Idempotency-Key}: what may have copies. */
    static boolean isKeyedChunk(StreamCommand command) {
        return command != null && command.kind() == StreamCommand.Kind.CHUNK && command.idempotencyKey() != null;
    }

    /** Copies noted and not yet forgotten, of past assignments too. */
    int size() {
        return oldestFirst.size();
    }

    /** Forgets the oldest copy: its partition is known only past it from now on. */
    private static void forget(Copy copy) {
        Partition known = copy.partition();
        known.knownFrom = Math.max(known.knownFrom, copy.offset() + 1);
        long[] offsets = known.copies.get(copy.key());
        if (offsets == null) {
            return;
        }
        long[] left = Arrays.stream(offsets).filter(offset -> offset != copy.offset()).toArray();
        if (left.length == 0) {
            known.copies.remove(copy.key());
        } else {
            known.copies.put(copy.key(), left);
        }
    }

    private static long[] prepend(long offset, long[] offsets) {
        long[] longer = new long[offsets.length + 1];
        longer[0] = offset;
        System.arraycopy(offsets, 0, longer, 1, offsets.length);
        return longer;
    }

    private static long[] append(long[] offsets, long offset) {
        long[] longer = Arrays.copyOf(offsets, offsets.length + 1);
        longer[offsets.length] = offset;
        return longer;
    }
}
