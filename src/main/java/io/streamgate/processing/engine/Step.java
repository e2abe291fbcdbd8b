package io.streamgate.processing.engine;

/**
 * One unit of a stream's work, done in the stream's order: a command, or its timer.
 *
 * @param offset  the command's position, or -1 for a timer
 * @param command the command (null for a timer)
 * @param dueAt   the timer's due time (timers only)
 * @param bytes   the command's size in the log (0 for a timer)
 */
record Step(Kind kind, long offset, StreamCommand command, long dueAt, int bytes) {

    enum Kind {
        START("start"), CHUNK("chunk"), END("end"), TIMER("timer");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    static Step of(long offset, StreamCommand command, int bytes) {
        Kind kind = switch (command.kind()) {
            case START -> Kind.START;
            case CHUNK -> Kind.CHUNK;
            case END -> Kind.END;
        };
        return new Step(kind, offset, command, 0, bytes);
    }

    static Step timer(long dueAt) {
        return new Step(Kind.TIMER, -1, null, dueAt, 0);
    }

    /** What identifies this step in a stored progress: the command's position, or the timer's due time. */
    long seq() {
        return kind == Kind.TIMER ? dueAt : offset;
    }

    boolean isCommand() {
        return kind != Kind.TIMER;
    }

    /** Outputs of this step readers already have, by the stream's stored progress (0 if it was not under way). */
    int alreadyEmitted(StoredStream stored) {
        if (stored == null || stored.progress() == null) {
            return 0;
        }
        StoredStream.Progress progress = stored.progress();
        return progress.step().equals(kind.label) && progress.seq() == seq() ? progress.emitted() : 0;
    }
}
