package io.streamgate.security;

import static io.streamgate.support.StreamClient.TIMEOUT;
import static io.streamgate.support.StreamClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.streamgate.kafka.TestKafka;
import io.streamgate.support.SecuredGatewayIT;
import io.streamgate.support.StreamClient;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/** With keys configured: who gets in, and what each tenant can see. */
class SecurityIT extends SecuredGatewayIT {

    @Test
    void shouldRefuseRequestsWithoutAValidKeyAndSayHowToAuthenticate() {
        String wrongKey = "not-a-key-but-long-enough-4711";
        List<StreamClient.Answer> answers = List.of(
                anonymous().exchange(anonymous().http().post().uri("/stream/start")),
                as(wrongKey).exchange(as(wrongKey).http().post().uri("/stream/start")),
                anonymous().exchange(anonymous().http().post().uri("/stream/start").header("X-API-Key", wrongKey)),
                anonymous().exchange(anonymous().http().get().uri("/stream/anything/results")),
                anonymous().exchange(anonymous().http().get().uri("/no/such/path")));

        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.headers().get("WWW-Authenticate")).isEqualTo("Bearer realm=\"streamgate\"");
            assertThat(answer.contentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue();
            assertThat(answer.body().get("status").intValue()).isEqualTo(401);
            assertThat(answer.body().toString()).doesNotContain(wrongKey);
        });
    }

    @Test
    void shouldServeTheApiDescriptionAndTheDemoPageWithoutAKey() {
        StreamClient.Answer description = anonymous().exchange(anonymous().http().get().uri("/v3/api-docs"));
        String page = anonymous().http().get().uri("/").retrieve().bodyToMono(String.class).block(TIMEOUT);

        assertThat(description.status()).isEqualTo(200);
        assertThat(description.body().get("paths").has("/stream/{streamId}/send")).isTrue();
        assertThat(page).contains("<title>Streamgate demo</title>");
    }

    @Test
    void shouldAcceptTheKeyAsBearerTokenOrApiKeyHeader() {
        StreamClient bearer = as(TENANT_A);
        String id = bearer.start("both-ways-" + System.nanoTime());
        StreamClient.Answer viaHeader = anonymous().exchange(anonymous().http().post()
                .uri("/stream/{id}/send", id).header("X-API-Key", TENANT_A)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"data\":\"via header\"}"));

        assertThat(viaHeader.status()).isEqualTo(200);
        bearer.end(id);
    }

    @Test
    void shouldRefuseARequestCarryingTwoDifferentKeysAndStoreNothing() {
        String id = as(TENANT_A).start("two-keys-" + System.nanoTime());
        List<StreamClient.Answer> refused = List.of(
                anonymous().exchange(send(anonymous().http(), id).header("Authorization", "Bearer " + TENANT_A)
                        .header("X-API-Key", TENANT_B)),
                anonymous().exchange(send(anonymous().http(), id).header("Authorization", "Bearer " + TENANT_A,
                        "Bearer " + TENANT_B)));
        StreamClient.Answer sameKeyTwice = anonymous().exchange(send(anonymous().http(), id)
                .header("Authorization", "Bearer " + TENANT_A).header("X-API-Key", TENANT_A));

        assertThat(refused).allSatisfy(answer -> {
            assertThat(answer.status()).as("answered %s", answer).isEqualTo(400);
            assertThat(answer.headers().get("WWW-Authenticate"))
                    .isEqualTo("Bearer realm=\"streamgate\", error=\"invalid_request\"");
            assertThat(answer.body().toString()).doesNotContain(TENANT_A).doesNotContain(TENANT_B);
        });
        assertThat(sameKeyTwice.status()).as("answered %s", sameKeyTwice).isEqualTo(200);
        as(TENANT_A).end(id);
        assertThat(TestKafka.readAll(REQUESTS_TOPIC)).filteredOn(record -> record.key().endsWith(id))
                .extracting(TestKafka.StoredRecord::kind, TestKafka.StoredRecord::value)
                .containsExactly(tuple("START", ""), tuple("CHUNK", "once"), tuple("END", ""));
    }

    private static WebClient.RequestHeadersSpec<?> send(WebClient http, String id) {
        return http.post().uri("/stream/{id}/send", id).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"data\":\"once\"}");
    }

    @Test
    void shouldHideATenantsStreamFromEveryOtherTenant() {
        StreamClient a = as(TENANT_A);
        StreamClient b = as(TENANT_B);
        String id = "job-" + System.nanoTime();
        a.start(id);
        long seq = a.send(id, "a's secret");

        List<Function<WebClient, WebClient.RequestHeadersSpec<?>>> attempts = List.of(
                http -> http.post().uri("/stream/{id}/send", id).contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"data\":\"b was here\"}"),
                http -> http.get().uri("/stream/{id}/results", id),
                http -> http.get().uri("/stream/{id}/results", id).accept(MediaType.APPLICATION_JSON),
                http -> http.get().uri("/stream/{id}", id),
                http -> http.post().uri("/stream/{id}/end", id));
        for (var attempt : attempts) {
            StreamClient.Answer answer = b.exchange(attempt.apply(b.http()));
            assertThat(answer.status()).isEqualTo(404);
            assertThat(answer.body().get("detail").stringValue()).isEqualTo("Stream " + id + " does not exist");
        }

        // The same id is free for B, and B's stream is B's alone.
        b.start(id);
        b.send(id, "b's own");
        assertThat(json(b.events(id).blockFirst(TIMEOUT).data()).get("data").stringValue()).isEqualTo("B'S OWN");
        assertThat(a.events(id).take(1).map(e -> json(e.data()).get("seq").longValue()).blockFirst(TIMEOUT))
                .isEqualTo(seq);
        assertThat(a.status(id).get("state").stringValue())
                .isEqualTo("open");
        a.end(id);
        b.end(id);
        assertThat(TestKafka.readAll(REQUESTS_TOPIC))
                .noneMatch(record -> "b was here".equals(record.value()))
                .noneMatch(record -> record.key().contains(TENANT_A) || record.key().contains(TENANT_B));
    }

    @Test
    void shouldKeepTheActuatorPrivateExceptHealth() {
        // Health is DOWN (503) until the results feed has caught up after start-up; this test may run first.
        StreamClient.Answer health = await().atMost(TIMEOUT).until(
                () -> anonymous().exchange(anonymous().http().get().uri("/actuator/health")), answer -> answer.status() == 200);
        StreamClient.Answer anonymousMetrics = anonymous().exchange(anonymous().http().get().uri("/actuator/prometheus"));
        StreamClient.Answer tenantMetrics = as(TENANT_A).exchange(as(TENANT_A).http().get().uri("/actuator/prometheus"));
        String operatorMetrics = as(OPERATOR).http().get().uri("/actuator/prometheus").retrieve()
                .bodyToMono(String.class).block(TIMEOUT);
        StreamClient.Answer operatorHealth = as(OPERATOR).exchange(as(OPERATOR).http().get().uri("/actuator/health"));
        StreamClient.Answer operatorStreams = as(OPERATOR).exchange(as(OPERATOR).http().post().uri("/stream/start"));

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().has("components")).as("no details for anonymous callers").isFalse();
        assertThat(anonymousMetrics.status()).isEqualTo(401);
        assertThat(tenantMetrics.status()).isEqualTo(403);
        assertThat(tenantMetrics.contentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue();
        assertThat(operatorMetrics).contains("streamgate_chunks_sent_total");
        assertThat(operatorHealth.body().get("components").get("kafka").get("status").stringValue()).isEqualTo("UP");
        assertThat(operatorStreams.status()).as("an operator key is not a tenant").isEqualTo(403);
    }

    @Test
    void shouldAnswerCorsOnlyForTheConfiguredOrigin() {
        StreamClient.Answer allowed = anonymous().exchange(anonymous().http().method(HttpMethod.OPTIONS)
                .uri("/stream/start").header("Origin", ALLOWED_ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type"));
        StreamClient.Answer other = anonymous().exchange(anonymous().http().method(HttpMethod.OPTIONS)
                .uri("/stream/start").header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST"));

        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.headers().get("Access-Control-Allow-Origin")).isEqualTo(ALLOWED_ORIGIN);
        assertThat(allowed.headers()).doesNotContainKey("Access-Control-Allow-Credentials");
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.headers()).doesNotContainKey("Access-Control-Allow-Origin");
    }

    @Test
    void shouldSendSpringSecuritysDefaultHeadersWithEveryAnswerButLeaveAnSseAnswersCachingToIt() {
        StreamClient tenant = as(TENANT_A);
        String id = tenant.start("headers-" + System.nanoTime());
        tenant.end(id); // so that its SSE answer ends after the end event
        List<StreamClient.Answer> answers = List.of(
                tenant.exchange(tenant.http().get().uri("/stream/{id}", id)),
                tenant.exchange(tenant.http().get().uri("/stream/{id}", "no-such-stream")),
                anonymous().exchange(anonymous().http().post().uri("/stream/start")));
        Map<String, String> results = tenant.http().get().uri("/stream/{id}/results", id)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchangeToMono(sse -> sse.releaseBody().thenReturn(sse.headers().asHttpHeaders().toSingleValueMap()))
                .block(TIMEOUT);

        assertThat(answers).extracting(StreamClient.Answer::status).containsExactly(200, 404, 401);
        assertThat(answers).allSatisfy(answer -> assertThat(answer.headers()).as("the %s answer", answer.status())
                .containsAllEntriesOf(Map.of(
                        "Cache-Control", "no-cache, no-store, max-age=0, must-revalidate",
                        "Pragma", "no-cache",
                        "Expires", "0",
                        "X-Content-Type-Options", "nosniff",
                        "X-Frame-Options", "DENY",
                        "X-XSS-Protection", "0",
                        "Referrer-Policy", "no-referrer"))
                .as("HSTS only over TLS").doesNotContainKey("Strict-Transport-Security"));
        assertThat(results).as("the SSE answer's headers")
                .containsEntry("Cache-Control", "no-cache")
                .containsEntry("X-Content-Type-Options", "nosniff")
                .doesNotContainKeys("Pragma", "Expires");
    }
}
