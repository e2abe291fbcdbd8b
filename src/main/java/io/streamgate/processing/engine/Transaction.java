package io.streamgate.processing.engine;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one commit writes, all or nothing: per partition (in the assignment it was done in), the results, stream
 * states and dead letters since the last commit, and how far the requests log is now done.
 */
public record Transaction(List<PartitionOutcome> partitions) {

    /** How many results it writes. */
    public int results() {
        return partitions.stream().mapToInt(partition -> partition.results().size()).sum();
    }

    /**
     * @param states     streams whose state changed, by stream key
     * @param forgotten  streams whose state is no longer needed (they ended, and the log is done past their end)
     * @param nextOffset the position in the requests log from which a successor would read again; -1 if unchanged
     */
    public record PartitionOutcome(int partition, long epoch, List<StreamResult> results, Map<String, StoredStream> states,
                                   Set<String> forgotten, List<DeadLetter> deadLetters, long nextOffset) {
    }
}
