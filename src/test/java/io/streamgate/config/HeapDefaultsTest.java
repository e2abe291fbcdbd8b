package io.streamgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.util.unit.DataSize;

class HeapDefaultsTest {

    private static final long MB = 1024 * 1024;

    @Test
    void shouldKeepTheFixedDefaultsOnAHeapOf2GbOrMore() {
        long heap = 2048 * MB;
        assertThat(HeapDefaults.share(heap, 8, HeapDefaults.HISTORY_BUDGET)).isEqualTo(DataSize.ofMegabytes(256));
        assertThat(HeapDefaults.share(heap, 16, HeapDefaults.IDEMPOTENCY_BUDGET)).isEqualTo(DataSize.ofMegabytes(128));
        assertThat(HeapDefaults.openStreams(heap)).isEqualTo(100_000);
        assertThat(HeapDefaults.maxConnections(heap)).isEqualTo(20_000);
        assertThat(HeapDefaults.share(16 * heap, 8, HeapDefaults.ENDED_HISTORY_BUDGET))
                .isEqualTo(DataSize.ofMegabytes(256));
        assertThat(HeapDefaults.share(heap / 2, 16, HeapDefaults.MAX_PENDING_BYTES)).as("a processor's, from 1 GB")
                .isEqualTo(DataSize.ofMegabytes(64));
        assertThat(HeapDefaults.share(heap, 8, HeapDefaults.MAX_STATE_BYTES)).as("a processor's streams' states")
                .isEqualTo(DataSize.ofMegabytes(256));
    }

    @Test
    void shouldTakeAShareOfASmallerHeap() {
        long heap = 384 * MB; // the image's in a 512 MB container
        assertThat(HeapDefaults.share(heap, 8, HeapDefaults.HISTORY_BUDGET)).isEqualTo(DataSize.ofMegabytes(48));
        assertThat(HeapDefaults.share(heap, 16, HeapDefaults.IDEMPOTENCY_BUDGET)).isEqualTo(DataSize.ofMegabytes(24));
        assertThat(HeapDefaults.openStreams(heap)).isEqualTo(49_152);
        assertThat(HeapDefaults.maxConnections(heap)).as("a sixth of it at 16 KB each").isEqualTo(4_096);
        assertThat(HeapDefaults.share(heap, 16, HeapDefaults.MAX_PENDING_BYTES)).isEqualTo(DataSize.ofMegabytes(24));
        assertThat(HeapDefaults.share(heap, 8, HeapDefaults.MAX_STATE_BYTES)).isEqualTo(DataSize.ofMegabytes(48));
    }

    @Test
    void shouldKeepAValueSetExplicitly() {
        StreamgateProperties.Stream set = stream(DataSize.ofGigabytes(3), DataSize.ofGigabytes(1), DataSize.ofGigabytes(2));
        assertThat(set.historyBudget()).isEqualTo(DataSize.ofGigabytes(3));
        assertThat(set.idempotencyBudget()).isEqualTo(DataSize.ofGigabytes(1));
        assertThat(set.endedHistoryBudget()).isEqualTo(DataSize.ofGigabytes(2));
        assertThat(limits(7).openStreams()).isEqualTo(7);
        assertThat(limits(7).maxConnections()).isEqualTo(20_000);
        assertThat(processing(DataSize.ofMegabytes(5), null).maxPendingBytes()).isEqualTo(DataSize.ofMegabytes(5));
        assertThat(processing(null, DataSize.ofMegabytes(6)).maxStateBytes()).isEqualTo(DataSize.ofMegabytes(6));

        StreamgateProperties.Stream unset = stream(null, null, null);
        long heap = HeapDefaults.maxHeap();
        assertThat(unset.historyBudget()).isEqualTo(HeapDefaults.share(heap, 8, HeapDefaults.HISTORY_BUDGET));
        assertThat(unset.idempotencyBudget()).isEqualTo(HeapDefaults.share(heap, 16, HeapDefaults.IDEMPOTENCY_BUDGET));
        assertThat(unset.endedHistoryBudget()).isEqualTo(HeapDefaults.share(heap, 8, HeapDefaults.ENDED_HISTORY_BUDGET));
        assertThat(limits(null).openStreams()).isEqualTo(HeapDefaults.openStreams(heap));
        assertThat(processing(null, null).maxPendingBytes())
                .isEqualTo(HeapDefaults.share(heap, 16, HeapDefaults.MAX_PENDING_BYTES));
        assertThat(processing(null, null).maxStateBytes())
                .isEqualTo(HeapDefaults.share(heap, 8, HeapDefaults.MAX_STATE_BYTES));
        assertThat(new StreamgateProperties.Limits(1000, null, 20_000, 100, 20_000, null, 64, 4096, null, null, null,
                Duration.ofSeconds(30), DataSize.ofKilobytes(8)).maxConnections())
                .isEqualTo(HeapDefaults.maxConnections(heap));
    }

    @ParameterizedTest
    @ValueSource(longs = {64, 256, 384, 1024, 2048, 16384})
    void shouldLeaveMoreThanHalfOfAnyHeapWithTheDefaults(long heapMb) {
        long heap = heapMb * MB;
        StreamgateProperties.Stream defaults = stream(HeapDefaults.share(heap, 8, HeapDefaults.HISTORY_BUDGET),
                HeapDefaults.share(heap, 16, HeapDefaults.IDEMPOTENCY_BUDGET),
                HeapDefaults.share(heap, 8, HeapDefaults.ENDED_HISTORY_BUDGET));
        assertThat(HeapDefaults.overHalf(defaults, limits(HeapDefaults.openStreams(heap)), heap)).as("%d MB", heapMb)
                .isEmpty();
    }

    @Test
    void shouldSayWhatTheSettingsHoldWhenItIsMoreThanHalfTheHeap() {
        StreamgateProperties.Stream fixed = stream(DataSize.ofMegabytes(256), DataSize.ofMegabytes(128),
                DataSize.ofMegabytes(256));
        assertThat(HeapDefaults.overHalf(fixed, limits(100_000), 384 * MB)).hasValue("The streams' settings let them"
                + " hold up to 737 MB of heap (history-budget 256 MB, ended-history-budget 256 MB, idempotency-budget"
                + " 128 MB, open-streams 100000 at about 1 KB each), more than half of this JVM's 384 MB: it would run"
                + " out of memory before they refused or forgot anything. Give it more heap (-Xmx, or"
                + " -XX:MaxRAMPercentage in a container) or lower them; left unset, each takes a share of a heap"
                + " smaller than 2 GB.");
        assertThat(HeapDefaults.overHalf(fixed, limits(100_000), 2048 * MB)).isEmpty();
    }

    private static StreamgateProperties.Stream stream(DataSize history, DataSize keys, DataSize ended) {
        return new StreamgateProperties.Stream(Duration.ofMinutes(5), Duration.ofSeconds(15), DataSize.ofMegabytes(1),
                10_000, DataSize.ofMegabytes(4), history, keys, Duration.ofHours(1), ended, "uppercase", 1000,
                DataSize.ofMegabytes(4));
    }

    private static StreamgateProperties.Processing processing(DataSize maxPendingBytes, DataSize maxStateBytes) {
        return new StreamgateProperties.Processing(64, Duration.ofSeconds(30), 2, Duration.ofMillis(500), 100_000,
                maxPendingBytes, maxStateBytes, new StreamgateProperties.Http("", 512));
    }

    private static StreamgateProperties.Limits limits(Integer openStreams) {
        return new StreamgateProperties.Limits(1000, openStreams, 20_000, 100, 20_000, 20_000, 64, 4096, null, null,
                null, Duration.ofSeconds(30), DataSize.ofKilobytes(8));
    }
}
