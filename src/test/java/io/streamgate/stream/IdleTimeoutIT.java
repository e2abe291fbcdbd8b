package io.streamgate.stream;

import static io.streamgate.support.StreamClient.TIMEOUT;
import static io.streamgate.support.StreamClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.streamgate.support.GatewayIT;
import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.TestPropertySource;

/** A stream nobody sends to is ended by the gateway; its readers are told why and later sends are refused. */
@TestPropertySource(properties = {
        "streamgate.stream.idle-timeout=1s",
        "streamgate.kafka.requests-topic=it.idle.requests",
        "streamgate.kafka.results-topic=it.idle.results",
        "streamgate.kafka.processor-group=it-idle-processor"})
class IdleTimeoutIT extends GatewayIT {

    @Test
    void shouldEndAnIdleStreamAndTellItsReadersWhy() {
        String id = client.start("idle-" + System.nanoTime());
        long seq = client.send(id, "before the silence");

        List<ServerSentEvent<String>> events = client.events(id).collectList().block(TIMEOUT);

        assertThat(events).hasSize(2);
        assertThat(json(events.get(0).data()).get("seq").longValue()).isEqualTo(seq);
        assertThat(events.get(1).event()).isEqualTo("end");
        assertThat(json(events.get(1).data()).get("reason").stringValue()).isEqualTo("idle-timeout");

        StreamClient.Answer late = client.exchange(client.http().post().uri("/stream/{id}/send", id)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"data\":\"too late\"}"));
        assertThat(late.status()).isEqualTo(409);
        assertThat(client.status(id).get("end_reason").stringValue())
                .isEqualTo("idle-timeout");
    }
}
