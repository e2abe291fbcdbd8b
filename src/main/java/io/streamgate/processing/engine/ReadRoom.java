package io.streamgate.processing.engine;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far an incarnation reads ahead of its commits. Commands read are counted over every partition until the
 * transaction with what they did commits, not until they are done: that bounds what waits in memory for a
 * transaction, and so a transaction's size. When commits were slower than steps (NDJSON batches at 400 connections),
 * transactions grew to over a million results, outlasted the transaction timeout and were aborted, and the engine
 * started over and redid them (BENCHMARKS.md section 41).
 *
 * <p>Each partition has a share of that room: past it, its reading pauses until it is down to half. Kafka hands over a
 * backlog a partition at a time, so without shares one partition's backlog filled the engine's room and the other
 * partitions' streams sat idle.
 *
 * <p>Like the rest of an incarnation's books, it belongs to the coordinator's thread.
 */
final class ReadRoom {

    private static final Logger log = LoggerFactory.getLogger(ReadRoom.class);
    /** Commands asked of the log at once, when there is room for at least that many. */
    private static final int REQUEST_BATCH = 64;

    private final EngineSettings settings;
    private final ProcessingLog.Connection connection;
    /** The incarnation's partitions (its own map, read here): the room is shared among them. */
    private final Map<Integer, PartitionWork> partitions;
    /** Commands read and not yet committed, over every partition. */
    private int pendingCommands;
    /** Events asked of the log and not yet received. */
    private long outstanding;

    ReadRoom(EngineSettings settings, ProcessingLog.Connection connection, Map<Integer, PartitionWork> partitions) {
        this.settings = settings;
        this.connection = connection;
        this.partitions = partitions;
    }

    /** An event asked of the log has arrived. */
    void eventArrived() {
        outstanding--;
    }

    /** A command of {@code work} was read: it holds room, and its bytes, until its transaction commits. */
    void commandRead(PartitionWork work, int bytes) {
        pendingCommands++;
        work.pendingBytes += bytes;
    }

    /** Pauses reading {@code work}'s partition when it holds its share of the room. */
    void pauseIfFull(PartitionWork work) {
        if (!work.paused && (work.pending() >= commandsPerPartition() || work.pendingBytes >= bytesPerPartition())) {
            work.paused = true;
            log.debug("Partition {} holds {} commands, {} bytes read and not done: reading it pauses", work.partition,
                    work.pending(), work.pendingBytes);
            connection.pause(work.partition);
        }
    }

    /** {@code commands} of {@code work} committed: they give their room back; its reading resumes if down to half. */
    void committed(PartitionWork work, int commands) {
        pendingCommands -= commands;
        if (work.paused && work.pending() <= commandsPerPartition() / 2
                && work.pendingBytes <= bytesPerPartition() / 2) {
            work.paused = false;
            log.debug("Partition {} is down to {} commands, {} bytes: reading it resumes", work.partition,
                    work.pending(), work.pendingBytes);
            connection.resume(work.partition);
        }
    }

    /** {@code work} is about to be given up: the room its commands held comes back. */
    void abandoning(PartitionWork work) {
        pendingCommands -= work.pending();
    }

    /** How many more events to ask of the log now (0: none yet), counted as asked. */
    long toRequest() {
        long room = settings.maxPendingCommands() - pendingCommands - outstanding;
        if (room >= REQUEST_BATCH || outstanding == 0 && room > 0) {
            outstanding += room;
            return room;
        }
        return 0;
    }

    private int commandsPerPartition() {
        return Math.max(16, settings.maxPendingCommands() / Math.max(1, partitions.size()));
    }

    private long bytesPerPartition() {
        return settings.maxPendingBytes() / Math.max(1, partitions.size());
    }
}
