package io.streamgate.stream;

import static io.streamgate.support.StreamClient.TIMEOUT;
import static io.streamgate.support.StreamClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;

import io.streamgate.support.GatewayIT;
import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A Last-Event-ID the stream no longer holds (trimmed from its history) or never held (another stream's) gets an
 * explicit {@code gap} event (a {@code gap} field in a poll's answer) saying where the stream resumes, instead of a
 * silent skip.
 */
@TestPropertySource(properties = {
        "streamgate.stream.history-limit=5",
        "streamgate.kafka.requests-topic=it.gap.requests",
        "streamgate.kafka.results-topic=it.gap.results",
        "streamgate.kafka.processor-group=it-gap-processor",
        // Event ids are offsets in a results partition: two streams on different partitions may hold the same id,
        // and only streams sharing one partition are sure never to hold each other's.
        "streamgate.kafka.partitions=1"})
class GapSignalIT extends GatewayIT {

    @Test
    void shouldSayWhereTheStreamResumesWhenTheLastEventIdWasTrimmed() {
        String id = client.start("trimmed-" + System.nanoTime());
        List<Long> seqs = IntStream.range(0, 8).mapToObj(i -> client.send(id, "chunk " + i)).toList();
        client.end(id);
        client.awaitEnded(id);

        // Event ids are positions in the results log: 0 is long gone from this stream's history.
        List<ServerSentEvent<String>> events = client.events(id, "0").collectList().block(TIMEOUT);

        // Held: the last 5 of 8 results and the end event, i.e. chunks 4 to 7 and the end.
        assertThat(events.get(0).event()).isEqualTo("gap");
        assertThat(events.get(0).id()).as("a gap keeps the client's Last-Event-ID").isNull();
        assertThat(json(events.get(0).data()).get("last_event_id").longValue()).isZero();
        assertThat(json(events.get(0).data()).get("resumes_at").longValue()).isEqualTo(Long.parseLong(events.get(1).id()));
        assertThat(events.subList(1, 5)).extracting(event -> json(event.data()).get("seq").longValue())
                .containsExactlyElementsOf(seqs.subList(4, 8));
        assertThat(events).hasSize(6).last().extracting(ServerSentEvent::event).isEqualTo("end");
    }

    @Test
    void shouldSayWhereTheStreamResumesWhenTheLastEventIdIsAnotherStreams() {
        String mine = client.start("mine-" + System.nanoTime());
        String other = client.start("other-" + System.nanoTime());
        long myFirst = client.send(mine, "mine");
        client.send(other, "other 1");
        client.send(other, "other 2");
        org.awaitility.Awaitility.await().atMost(TIMEOUT).until(() ->
                client.status(mine).get("results").intValue() == 1);

        String othersSecondId = client.events(other).take(2).blockLast(TIMEOUT).id();

        List<ServerSentEvent<String>> events = client.events(mine, othersSecondId).take(2).collectList().block(TIMEOUT);

        assertThat(events.get(0).event()).isEqualTo("gap");
        assertThat(json(events.get(0).data()).get("resumes_at").longValue()).isEqualTo(Long.parseLong(events.get(1).id()));
        assertThat(json(events.get(1).data()).get("seq").longValue()).isEqualTo(myFirst);
        client.end(mine);
        client.end(other);
    }

    @Test
    void shouldTellAPollAskingAfterAnotherStreamsIdWhereTheStreamResumes() {
        String mine = client.start("poll-mine-" + System.nanoTime());
        String other = client.start("poll-other-" + System.nanoTime());
        client.send(other, "elsewhere");
        String othersId = client.events(other).blockFirst(TIMEOUT).id();
        client.send(mine, "here");
        String myId = client.events(mine).blockFirst(TIMEOUT).id();

        JsonNode polled = client.poll(mine, othersId);

        assertThat(polled.get("gap")).as("polled after another stream's id %s", polled).isEqualTo(
                json("{\"last_event_id\":" + othersId + ",\"resumes_at\":" + myId + "}"));
        assertThat(polled.get("data").get(0).get("data").stringValue()).as("polled %s", polled).isEqualTo("HERE");
        client.end(mine);
        client.end(other);
    }

}
