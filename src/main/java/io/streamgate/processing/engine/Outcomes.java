package io.streamgate.processing.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What is due in the next commit, per partition: results, stream states, dead letters; and what the results due and
 * those of the transaction under way take of the heap ({@link #resultBytes}), which {@link OutputRoom} bounds.
 */
final class Outcomes {

    /**
     * What a result holds besides its JSON's characters until its transaction commits: itself, and its record while the
     * transaction is written (the record, its headers and its value's bytes).
     */
    private static final long RESULT_BYTES = 512;

    private final Map<PartitionWork, Pending> pending = new LinkedHashMap<>();
    /** The results due and those of the transaction under way, as counted ({@link #bytesOf}). */
    private long resultBytes;
    private long resultBytesInTransaction;
    /** Starts' confirmations to write, in the order they were made. */
    private final List<StartConfirmation> confirmations = new ArrayList<>();
    /** Confirmations of streams forgotten in the transaction under way: written once it commits. */
    private final List<StartConfirmation> afterTransaction = new ArrayList<>();

    private static final class Pending {
        final List<StreamResult> results = new ArrayList<>();
        long resultBytes;
        final Map<String, StoredStream> states = new LinkedHashMap<>();
        final List<DeadLetter> deadLetters = new ArrayList<>();

        /** Adds {@code result}; returns what it takes, as counted. */
        long add(StreamResult result) {
            long bytes = bytesOf(result);
            results.add(result);
            resultBytes += bytes;
            return bytes;
        }

        /** Takes what belongs to {@code streams} out, in its order, into a Pending of its own (null if nothing). */
        Pending takeOut(Set<String> streams) {
            Pending taken = new Pending();
            results.removeIf(result -> streams.contains(result.streamId()) && taken.results.add(result));
            for (StreamResult result : taken.results) {
                long bytes = bytesOf(result);
                resultBytes -= bytes;
                taken.resultBytes += bytes;
            }
            deadLetters.removeIf(letter -> streams.contains(letter.streamId()) && taken.deadLetters.add(letter));
            for (String stream : streams) {
                StoredStream state = states.remove(stream);
                if (state != null) {
                    taken.states.put(stream, state);
                }
            }
            return taken.isEmpty() ? null : taken;
        }

        boolean isEmpty() {
            return results.isEmpty() && states.isEmpty() && deadLetters.isEmpty();
        }
    }

    /** Adds a result due; returns what it takes, as counted. */
    long result(PartitionWork work, StreamResult result) {
        long bytes = of(work).add(result);
        resultBytes += bytes;
        return bytes;
    }

    /** What the results due and those of the transaction under way take of the heap, as counted. */
    long resultBytes() {
        return resultBytes;
    }

    private static long bytesOf(StreamResult result) {
        return RESULT_BYTES + 2L * result.json().length();
    }

    /** The stream's state as of now; replaces any earlier one due in the same commit. */
    void state(PartitionWork work, String stream, StoredStream stored) {
        of(work).states.put(stream, stored);
    }

    /**
     * A new stream's confirmation, written ahead of everything the start did; once the transaction under way commits
     * when its id was forgotten in that transaction.
     */
    void confirmation(PartitionWork work, StreamResult started) {
        StartConfirmation confirmation = new StartConfirmation(work.partition, work.epoch, started);
        if (work.forgottenInTransaction.contains(started.streamId())) {
            afterTransaction.add(confirmation);
        } else {
            confirmations.add(confirmation);
        }
    }

    /**
     * The transaction under way committed: its results are no longer held here, and the confirmations that waited for
     * it are due.
     */
    void transactionCommitted() {
        resultBytes -= resultBytesInTransaction;
        resultBytesInTransaction = 0;
        confirmations.addAll(afterTransaction);
        afterTransaction.clear();
    }

    /** The confirmations due, in the order they were made; none (an empty list) if there are none. */
    List<StartConfirmation> drainConfirmations() {
        if (confirmations.isEmpty()) {
            return List.of();
        }
        List<StartConfirmation> due = List.copyOf(confirmations);
        confirmations.clear();
        return due;
    }

    void deadLetter(PartitionWork work, DeadLetter deadLetter) {
        of(work).deadLetters.add(deadLetter);
    }

    /** Forgets what a partition had due: it was revoked, and its new owner redoes it. */
    void drop(PartitionWork work) {
        Pending dropped = pending.remove(work);
        if (dropped != null) {
            resultBytes -= dropped.resultBytes;
        }
        confirmations.removeIf(due -> due.partition() == work.partition && due.epoch() == work.epoch);
        afterTransaction.removeIf(due -> due.partition() == work.partition && due.epoch() == work.epoch);
    }

    /**
     * The next transaction, or null when there is nothing to write: everything due, how far each partition is done,
     * and the ended streams that may now be forgotten (the log is done past their end, so nothing of them is replayed).
     * What new streams did before their confirmation is held stays for a later one.
     */
    Transaction drain(Collection<PartitionWork> partitions) {
        List<Transaction.PartitionOutcome> outcomes = new ArrayList<>();
        for (PartitionWork work : partitions) {
            if (work.restoring || work.abandoned) {
                continue;
            }
            Pending due = pending.remove(work);
            if (due != null && !work.unconfirmed.isEmpty()) {
                Pending held = due.takeOut(work.unconfirmed.keySet());
                if (held != null) {
                    pending.put(work, held);
                }
            }
            long next = work.committable();
            boolean advanced = next > work.committedOffset;
            Set<String> forgotten = forgettable(work, next);
            work.forgottenInTransaction = forgotten;
            if ((due == null || due.isEmpty()) && !advanced && forgotten.isEmpty()) {
                continue;
            }
            if (due == null) {
                due = new Pending();
            }
            forgotten.forEach(due.states::remove);
            resultBytesInTransaction += due.resultBytes;
            if (advanced) {
                work.committedOffset = next;
            }
            outcomes.add(new Transaction.PartitionOutcome(work.partition, work.epoch, due.results, due.states, forgotten,
                    due.deadLetters, advanced ? next : -1));
        }
        return outcomes.isEmpty() ? null : new Transaction(outcomes);
    }

    private static Set<String> forgettable(PartitionWork work, long next) {
        Set<String> forgotten = new HashSet<>();
        for (Iterator<StreamWork> ended = work.ended.iterator(); ended.hasNext(); ) {
            StreamWork stream = ended.next();
            if (!stream.stored.ended()) {
                ended.remove(); // started again
            } else if (stream.idle() && stream.stored.doneThrough() < next) {
                forgotten.add(stream.key);
                work.forget(stream);
                ended.remove();
            }
        }
        return forgotten;
    }

    private Pending of(PartitionWork work) {
        return pending.computeIfAbsent(work, ignored -> new Pending());
    }
}
