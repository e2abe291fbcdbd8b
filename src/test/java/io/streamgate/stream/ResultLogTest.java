package io.streamgate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResultLogTest {

    private static ResultEvent result(long id) {
        return new ResultEvent(ResultEvent.Kind.RESULT, id, "{\"seq\":" + id + "}");
    }

    @Test
    void shouldHoldOnlyTheLastCapacityEvents() {
        ResultLog log = new ResultLog(3, Long.MAX_VALUE);
        for (long id = 10; id < 15; id++) {
            log.append(result(id));
        }

        assertThat(log.start()).isEqualTo(2);
        assertThat(log.end()).isEqualTo(5);
        assertThat(log.at(1)).isSameAs(ResultLog.EVICTED);
        assertThat(log.at(2).id()).isEqualTo(12);
        assertThat(log.at(5)).isNull();
        assertThat(log.snapshot()).extracting(ResultEvent::id).containsExactly(12L, 13L, 14L);
        assertThat(log.lastId()).isEqualTo(14);
    }

    @Test
    void shouldKeepEveryEventAtItsPositionWhileItGrowsPastItsFirstSlotsAfterEvictions() {
        // The size bound evicts the first events, so the ring grows while its oldest held event is not at slot 0.
        ResultLog log = new ResultLog(1000, 20 * result(100).json().length());
        for (long id = 100; id < 400; id++) {
            log.append(result(id));
        }

        assertThat(log.end()).isEqualTo(300);
        assertThat(log.start()).isEqualTo(280);
        assertThat(log.snapshot()).extracting(ResultEvent::id).isEqualTo(
                java.util.stream.LongStream.range(380, 400).boxed().toList());
        assertThat(log.at(279)).isSameAs(ResultLog.EVICTED);
        assertThat(log.positionAfter(390)).isEqualTo(291);
    }

    @Test
    void shouldGrowToItsCapacityAndNoFurther() {
        ResultLog log = new ResultLog(40, Long.MAX_VALUE);
        for (long id = 0; id < 100; id++) {
            log.append(result(id));
        }

        assertThat(log.snapshot()).extracting(ResultEvent::id).isEqualTo(
                java.util.stream.LongStream.range(60, 100).boxed().toList());
        assertThat(log.at(59)).isSameAs(ResultLog.EVICTED);
    }

    @Test
    void shouldFindThePositionAfterAHeldIdOnly() {
        ResultLog log = new ResultLog(4, Long.MAX_VALUE);
        long[] ids = {3, 7, 8, 20, 21};
        for (long id : ids) {
            log.append(result(id));
        }

        assertThat(log.positionAfter(8)).isEqualTo(3);
        assertThat(log.positionAfter(21)).isEqualTo(5);
        assertThat(log.positionAfter(3)).as("evicted").isEqualTo(-1);
        assertThat(log.positionAfter(9)).as("never held").isEqualTo(-1);
    }

    @Test
    void shouldAnswerTheEventsAfterAHeldIdWithoutAGap() {
        ResultLog log = new ResultLog(3, Long.MAX_VALUE);
        for (long id : new long[] {3, 7, 8}) {
            log.append(result(id));
        }

        assertThat(log.eventsAfter(ResultEvent.NO_ID)).as("all, none dropped").extracting(ResultEvent::id)
                .containsExactly(3L, 7L, 8L);
        assertThat(log.eventsAfter(3)).extracting(ResultEvent::id).containsExactly(7L, 8L);
        assertThat(log.eventsAfter(8)).as("after the newest").isEmpty();
    }

    @Test
    void shouldAnnounceAGapBeforeTheOldestHeldWhenEventsWereDroppedOrTheIdIsNotHeld() {
        ResultLog log = new ResultLog(3, Long.MAX_VALUE);
        for (long id : new long[] {3, 7, 8, 20}) {
            log.append(result(id));
        }

        assertThat(log.eventsAfter(ResultEvent.NO_ID)).as("3 was dropped").extracting(ResultEvent::json)
                .containsExactly("{\"last_event_id\":null,\"resumes_at\":7}", "{\"seq\":7}", "{\"seq\":8}",
                        "{\"seq\":20}");
        assertThat(log.eventsAfter(ResultEvent.NO_ID).get(0).kind()).isEqualTo(ResultEvent.Kind.GAP);
        assertThat(log.eventsAfter(3)).as("dropped").extracting(ResultEvent::json)
                .containsExactly("{\"last_event_id\":3,\"resumes_at\":7}", "{\"seq\":7}", "{\"seq\":8}",
                        "{\"seq\":20}");
        assertThat(log.eventsAfter(9)).as("never held").first().extracting(ResultEvent::json)
                .isEqualTo("{\"last_event_id\":9,\"resumes_at\":7}");
        assertThat(new ResultLog(3, Long.MAX_VALUE).eventsAfter(5)).as("nothing held").extracting(ResultEvent::json)
                .containsExactly("{\"last_event_id\":5,\"resumes_at\":null}");
    }

    @Test
    void shouldHaveNoLastIdWhenEmpty() {
        assertThat(new ResultLog(2, Long.MAX_VALUE).lastId()).isEqualTo(ResultEvent.NO_ID);
    }

    @Test
    void shouldEvictTheOldestWhenTheSizeBoundIsPassedButKeepTheNewest() {
        ResultLog log = new ResultLog(100, 30);
        log.append(new ResultEvent(ResultEvent.Kind.RESULT, 1, "x".repeat(10)));
        log.append(new ResultEvent(ResultEvent.Kind.RESULT, 2, "x".repeat(10)));
        log.append(new ResultEvent(ResultEvent.Kind.RESULT, 3, "x".repeat(10)));
        assertThat(log.snapshot()).extracting(ResultEvent::id).containsExactly(1L, 2L, 3L);

        log.append(new ResultEvent(ResultEvent.Kind.RESULT, 4, "x".repeat(15)));
        assertThat(log.snapshot()).extracting(ResultEvent::id).containsExactly(3L, 4L);

        log.append(new ResultEvent(ResultEvent.Kind.RESULT, 5, "x".repeat(100)));
        assertThat(log.snapshot()).extracting(ResultEvent::id).containsExactly(5L);
        assertThat(log.start()).isEqualTo(4);
    }

    @Test
    void shouldBoundItsSizeInUtf8BytesNotCharacters() {
        ResultLog log = new ResultLog(100, 30);
        log.append(new ResultEvent(ResultEvent.Kind.RESULT, 1, "é".repeat(10))); // 10 characters, 20 bytes
        log.append(new ResultEvent(ResultEvent.Kind.RESULT, 2, "é".repeat(10)));

        assertThat(log.snapshot()).as("40 bytes do not fit in 30").extracting(ResultEvent::id).containsExactly(2L);
        assertThat(log.bytes()).isEqualTo(20);
    }

    @Test
    void shouldCountWhatHoldingEachEventCostsAgainstTheHeapBoundButNotAgainstTheTextBound() {
        int eventHeap = 12 + ResultLog.HELD_BYTES_PER_EVENT;
        ResultLog log = new ResultLog(100, 30 * 12, () -> 10L * eventHeap);
        for (long id = 1; id <= 20; id++) {
            log.append(new ResultEvent(ResultEvent.Kind.RESULT, id, "x".repeat(12)));
        }

        assertThat(log.snapshot()).as("ten events' heap, though thirty events' text fits").hasSize(10);
        assertThat(log.bytes()).isEqualTo(10 * 12);
        assertThat(log.heldBytes()).isEqualTo(10L * eventHeap);
    }

    @Test
    void shouldTrimToAHeapBoundThatShrankKeepingTheNewest() {
        long eventHeap = 20 + ResultLog.HELD_BYTES_PER_EVENT;
        long[] bound = {4 * eventHeap};
        ResultLog log = new ResultLog(100, Long.MAX_VALUE, () -> bound[0]);
        for (long id = 1; id <= 4; id++) {
            log.append(new ResultEvent(ResultEvent.Kind.RESULT, id, "x".repeat(20)));
        }

        bound[0] = 2 * eventHeap + 1;
        log.trim();
        assertThat(log.snapshot()).extracting(ResultEvent::id).containsExactly(3L, 4L);

        bound[0] = 1;
        log.trim();
        assertThat(log.snapshot()).as("the newest stays, whatever the bound").extracting(ResultEvent::id)
                .containsExactly(4L);
    }
}
