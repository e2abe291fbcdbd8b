package io.streamgate.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The leak check itself: without this, a build that lost its settings would pass every class, checking nothing. */
class BufferLeaksTest {

    @Test
    void shouldReportABufferDroppedUnreleasedWithWhereItWasMade() throws InterruptedException {
        BufferLeaks.Leaks before = BufferLeaks.take();
        assertThat(before.count()).as("leaks found before this test: %s", before).isZero();

        dropABufferUnreleased();

        assertThat(BufferLeaks.installed())
                .as("Netty's leak detector is BufferLeaks (-Dio.netty.customResourceLeakDetector in pom.xml)")
                .isTrue();
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        BufferLeaks.Leaks leaks = BufferLeaks.take();
        assertThat(leaks.count()).as("leaks found: %s", leaks).isOne();
        assertThat(leaks.firstReports())
                .singleElement()
                .asString()
                .contains("not released before it was garbage-collected", "dropABufferUnreleased");
    }

    private static void dropABufferUnreleased() {
        ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(16);
        buffer.writeLong(42);
    }
}
