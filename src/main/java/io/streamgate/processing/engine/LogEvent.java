package io.streamgate.processing.engine;

/**
 * What the requests log tells the engine: partitions given to this processor and taken away, and the commands read
 * from them. An epoch names one assignment of a partition (a partition revoked and given back gets a new one); every
 * command carries the epoch it was read in, so the engine can tell a late command of an old assignment from a new one
 * whatever order these arrive in.
 */
public sealed interface LogEvent {

    int partition();

    long epoch();

    /** The partition is this processor's from now on, until revoked. */
    record Assigned(int partition, long epoch) implements LogEvent {
    }

    /** The partition is no longer this processor's: its unfinished work is another's to redo. */
    record Revoked(int partition, long epoch) implements LogEvent {
    }

    /**
     * A record of the requests log.
     *
     * @param command the command it holds, or null for a record that is not one (it is passed over)
     * @param bytes   the record's size in the log (key and value), what holding it until it is done costs roughly
     */
    record Received(int partition, long epoch, long offset, StreamCommand command, int bytes) implements LogEvent {
    }
}
