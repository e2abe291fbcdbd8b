package streamgate;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the processors' group trails the requests log, read every {@code interval} ms until stopped: one line
 * {@code <time> backlog <commands> largest <commands>} each, the commands between the group's committed offsets and
 * each partition's end, over all partitions and in the partition furthest behind. A start waits in that queue (its
 * {@code STARTED} comes back when the transaction that holds it commits), so starts.sh prints it beside a start's
 * percentiles. The committed offsets trail by the transaction in flight at least.
 * <pre>
 *   java -cp &lt;load-tests classpath&gt; streamgate.ProcessorBacklog &lt;bootstrap servers&gt; [interval ms (2000)]
 * </pre>
 */
public final class ProcessorBacklog {

    private static final String GROUP = "streamgate-processor";

    public static void main(String[] args) throws Exception {
        long intervalMillis = args.length > 1 ? Long.parseLong(args[1]) : 2000;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]))) {
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                        .collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get();
                long total = 0;
                long largest = 0;
                for (var entry : committed.entrySet()) {
                    long behind = ends.get(entry.getKey()).offset() - entry.getValue().offset();
                    total += behind;
                    largest = Math.max(largest, behind);
                }
                System.out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " backlog " + total
                        + " largest " + largest);
                Thread.sleep(intervalMillis);
            }
        }
    }
}
