package io.streamgate.processing.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One partition of the requests log, in one assignment (its epoch): the state of its streams (restored from the state
 * log before anything runs), how far its commands are done, and the bound on how many of its streams run at once.
 */
final class PartitionWork {

    final int partition;
    final long epoch;
    final Map<String, StreamWork> streams = new HashMap<>();
    /** Streams that have ended, to be forgotten once the log is done past their end. */
    final Set<StreamWork> ended = new HashSet<>();
    final OffsetTracker offsets = new OffsetTracker();
    /** Streams with a step to run, waiting for a slot, first come first served. */
    final Deque<StreamWork> ready = new ArrayDeque<>();
    /** Commands read while the partition's state was being restored; run once it is. */
    final List<LogEvent.Received> waiting = new ArrayList<>();
    boolean restoring = true;
    /** Reading of the partition is paused: it holds its share of the engine's room for commands. */
    boolean paused;
    /** Bytes of the commands read and not committed ({@link #pending()} counts them). */
    long pendingBytes;
    /** Commands done whose outcomes wait for the next transaction, and their bytes. */
    int doneUncommitted;
    long doneUncommittedBytes;
    /** Commands done by streams not yet confirmed ({@link #unconfirmed}): kept out of transactions until they are. */
    int doneUnconfirmed;
    /** Commands whose outcomes are in the transaction under way, and their bytes. */
    int inTransaction;
    long inTransactionBytes;
    boolean abandoned;
    /** Streams with a step under way. */
    int busy;
    /** What its streams' states take of the processor's room for them ({@link StateRoom#bytesOf}). */
    private long stateBytes;
    private final StateRoom stateRoom;
    /** The position last handed to a commit. */
    long committedOffset = -1;
    /**
     * New streams whose start's confirmation the log does not hold yet, by the offset of their start: nothing they did
     * is committed, nor the partition's position past their start, until it does.
     */
    final Map<String, Long> unconfirmed = new HashMap<>();
    /** The streams forgotten in the transaction under way: a new start of one is confirmed only after it commits. */
    Set<String> forgottenInTransaction = Set.of();

    PartitionWork(int partition, long epoch, StateRoom stateRoom) {
        this.partition = partition;
        this.epoch = epoch;
        this.stateRoom = stateRoom;
    }

    /** Refuses {@code after} as {@code stream}'s next state if it would take the processor past its room for states. */
    void checkStateRoom(StreamWork stream, StoredStream after) {
        stateRoom.check(stream.stateBytes, StateRoom.bytesOf(after));
    }

    /** {@code stream} is now stored as {@code stored}: its state counted in place of the one before. */
    void store(StreamWork stream, StoredStream stored) {
        long bytes = StateRoom.bytesOf(stored);
        counted(stream, bytes);
        stream.stored = stored;
    }

    /** An ended stream is forgotten: its state no longer counts. */
    void forget(StreamWork stream) {
        streams.remove(stream.key);
        counted(stream, 0);
    }

    private void counted(StreamWork stream, long bytes) {
        stateRoom.changed(stream.stateBytes, bytes);
        stateBytes += bytes - stream.stateBytes;
        stream.stateBytes = bytes;
    }

    /**
     * Commands read and not yet committed: they hold back reading more. What a command did is held in memory until its
     * transaction commits, so a command done is still counted until then.
     */
    int pending() {
        return offsets.unfinished() + waiting.size() + doneUnconfirmed + doneUncommitted + inTransaction;
    }

    /**
     * The position a commit may take the partition to: every command before it is done, and no unconfirmed start is
     * before it (a successor redoes that start, and confirms it).
     */
    long committable() {
        long next = offsets.committable();
        for (long start : unconfirmed.values()) {
            next = Math.min(next, start);
        }
        return next;
    }

    /** A new stream's start is decided: until its confirmation is written, nothing it does is committed. */
    void awaitConfirmation(String stream, long startOffset) {
        unconfirmed.put(stream, startOffset);
    }

    /**
     * A command is done (of {@code stream}, or null for a record that is no command): its outcomes wait for the next
     * transaction, or for the stream's confirmation first.
     */
    void done(StreamWork stream, int bytes) {
        if (stream != null && unconfirmed.containsKey(stream.key)) {
            stream.doneUnconfirmed++;
            stream.doneUnconfirmedBytes += bytes;
            doneUnconfirmed++;
        } else {
            doneUncommitted++;
            doneUncommittedBytes += bytes;
        }
    }

    /** The stream's confirmation is written: what it did meanwhile goes in the next transaction. */
    void confirmed(String key) {
        unconfirmed.remove(key);
        StreamWork stream = streams.get(key);
        if (stream == null) {
            return;
        }
        doneUnconfirmed -= stream.doneUnconfirmed;
        doneUncommitted += stream.doneUnconfirmed;
        doneUncommittedBytes += stream.doneUnconfirmedBytes;
        stream.doneUnconfirmed = 0;
        stream.doneUnconfirmedBytes = 0;
    }

    /** The commands done so far go in the transaction that is starting. */
    void transactionStarts() {
        inTransaction += doneUncommitted;
        inTransactionBytes += doneUncommittedBytes;
        doneUncommitted = 0;
        doneUncommittedBytes = 0;
    }

    /** The transaction under way committed: its commands and their bytes are no longer pending. Returns how many. */
    int transactionCommitted() {
        forgottenInTransaction = Set.of();
        int committed = inTransaction;
        pendingBytes -= inTransactionBytes;
        inTransaction = 0;
        inTransactionBytes = 0;
        return committed;
    }

    /** The partition's streams are dropped (revoked, or the engine stops): their states no longer count. */
    void abandon() {
        abandoned = true;
        stateRoom.changed(stateBytes, 0);
        stateBytes = 0;
        streams.values().forEach(StreamWork::abandon);
        ready.clear();
        waiting.clear();
    }
}
