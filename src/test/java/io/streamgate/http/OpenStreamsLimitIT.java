package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.streamgate.support.GatewayIT;
import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

/** All tenants' open streams together reach {@code open-streams}: starts get a 503 until one ends. */
@TestPropertySource(properties = {
        "streamgate.limits.open-streams=2",
        "streamgate.kafka.requests-topic=it.open-streams.requests",
        "streamgate.kafka.results-topic=it.open-streams.results",
        "streamgate.kafka.processor-group=it-open-streams-processor"})
class OpenStreamsLimitIT extends GatewayIT {

    @Test
    void shouldRefuseStartsWithA503WhileAsManyStreamsAreOpenAsAllowedUntilOneEnds() {
        long run = System.nanoTime();
        String first = client.start("open-" + run + "-1");
        client.start("open-" + run + "-2");

        StreamClient.Answer named = client.exchange(client.http().post().uri("/stream/open-{run}-3/start", run));
        StreamClient.Answer generated = client.exchange(client.http().post().uri("/stream/start"));

        for (StreamClient.Answer refused : List.of(named, generated)) {
            assertThat(refused.status()).as("answered %s", refused).isEqualTo(503);
            assertThat(refused.contentType()).as("answered %s", refused).isNotNull()
                    .matches(type -> type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
            assertThat(refused.body().get("type").stringValue()).as("answered %s", refused)
                    .isEqualTo("/problems/too-many-streams");
            assertThat(refused.body().get("limit").stringValue()).as("answered %s", refused).isEqualTo("open-streams");
            assertThat(refused.headers().get("Retry-After")).as("answered %s", refused).isEqualTo("1");
        }
        assertThat(client.exchange(client.http().get().uri("/stream/open-{run}-3", run)).status())
                .as("the refused start left nothing").isEqualTo(404);
        assertThat(client.scraped("streamgate_limit_rejections_total", "limit", "open-streams")).isEqualTo(2);

        client.end(first);
        client.awaitEnded(first);
        assertThat(client.start("open-" + run + "-3")).isEqualTo("open-" + run + "-3");
    }
}
