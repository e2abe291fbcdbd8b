package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.streamgate.support.GatewayIT;
import io.streamgate.support.StreamClient;
import io.streamgate.support.StreamClient.Answer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI description the gateway serves lists exactly the routes it has, and what each real route answers (its
 * status, content type and fields) is what the description says: so the description cannot drift from the code.
 */
class OpenApiIT extends GatewayIT {

    @Autowired
    @Qualifier("streamRouter")
    private RouterFunction<ServerResponse> streamRouter;

    private JsonNode api;
    private final Set<String> exercised = new HashSet<>();

    @BeforeEach
    void fetchDescription() {
        Answer answer = client.exchange(client.http().get().uri("/v3/api-docs"));
        assertThat(answer.status()).isEqualTo(200);
        api = answer.body();
    }

    @Test
    void shouldServeTheDescriptionToManyClientsAtOnce() {
        // springdoc locks while it builds or reads the description; no request may wait for that on an event loop.
        List<Integer> statuses = Flux.range(0, 64)
                .flatMap(i -> client.http().get().uri("/v3/api-docs").exchangeToMono(response ->
                        response.releaseBody().thenReturn(response.statusCode().value())), 64)
                .collectList().block(StreamClient.TIMEOUT);

        assertThat(statuses).hasSize(64).containsOnly(200);
    }

    @Test
    void shouldDescribeExactlyTheRoutesTheGatewayServes() {
        assertThat(documentedOperations()).isEqualTo(RouteList.of(streamRouter)).hasSize(8);
    }

    @Test
    void shouldNameEachOperationAsItsDescriptionDoes() {
        Map<String, String> names = new TreeMap<>();
        for (Map.Entry<String, JsonNode> path : api.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                names.put(operation.getKey().toUpperCase() + " " + path.getKey(),
                        operation.getValue().get("operationId").asString());
            }
        }

        // The 405 routes of a path are not operations: one's name once replaced endStream's.
        assertThat(names).as("operationId by operation").isEqualTo(Map.of(
                "POST /stream/start", "startStream",
                "POST /stream/{streamId}/start", "startStreamWithId",
                "POST /stream/{streamId}/send", "sendChunk",
                "GET /stream/{streamId}/results", "readResults",
                "HEAD /stream/{streamId}/results", "readResultsHead",
                "POST /stream/{streamId}/end", "endStream",
                "GET /stream/{streamId}", "streamStatus",
                "HEAD /stream/{streamId}", "streamStatusHead"));
    }

    @Test
    void shouldAnswerEveryOperationAsDescribed() {
        String id = "openapi-" + System.nanoTime();
        check("POST /stream/{streamId}/start", client.exchange(client.http().post().uri("/stream/{id}/start", id)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"processor\":\"uppercase\"}")));
        check("POST /stream/start", client.exchange(client.http().post().uri("/stream/start")));
        check("POST /stream/{streamId}/send", client.exchange(client.http().post().uri("/stream/{id}/send", id)
                .header("Idempotency-Key", "first").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"data\":\"hello\"}")));
        check("POST /stream/{streamId}/send", client.exchange(client.http().post().uri("/stream/{id}/send", id)
                .contentType(MediaType.TEXT_PLAIN).bodyValue("hello")));
        check("POST /stream/{streamId}/send", client.exchange(client.http().post().uri("/stream/{id}/send", id)
                .contentType(MediaType.APPLICATION_NDJSON).bodyValue("{\"data\":\"a\"}\n{\"data\":\"b\"}\n")));
        check("POST /stream/{streamId}/send", client.exchange(client.http().post().uri("/stream/{id}/send", id)
                .contentType(MediaType.APPLICATION_NDJSON).bodyValue("{\"data\":\"a\"}\n{\"data\":1}\n")));
        check("GET /stream/{streamId}", client.exchange(client.http().get().uri("/stream/{id}", id)));
        check("HEAD /stream/{streamId}", client.exchange(client.http().head().uri("/stream/{id}", id)));
        check("HEAD /stream/{streamId}/results", client.exchange(client.http().head().uri("/stream/{id}/results", id)));
        check("POST /stream/{streamId}/end", client.exchange(client.http().post().uri("/stream/{id}/end", id)));
        client.awaitEnded(id);
        check("GET /stream/{streamId}/results", client.exchange(client.http().get().uri("/stream/{id}/results", id)
                .accept(MediaType.APPLICATION_JSON)));
        check("POST /stream/{streamId}/send", client.trySend(id, "too late"));
        check("POST /stream/{streamId}/end", client.exchange(client.http().post().uri("/stream/{id}/end", "none")));

        assertThat(exercised).as("every described operation was called").isEqualTo(documentedOperations());
    }

    /** The answer's status is described for the operation, with its content type, and its fields are the schema's. */
    private void check(String operation, Answer answer) {
        exercised.add(operation);
        String[] methodAndPath = operation.split(" ");
        JsonNode described = api.get("paths").get(methodAndPath[1]).get(methodAndPath[0].toLowerCase());
        JsonNode response = described.get("responses").get(Integer.toString(answer.status()));
        assertThat(response).as("%s answered %d: is that described?", operation, answer.status()).isNotNull();
        if (answer.body() == null) {
            return;
        }
        String contentType = answer.contentType().getType() + "/" + answer.contentType().getSubtype();
        JsonNode media = response.get("content").get(contentType);
        assertThat(media).as("%s %d in %s: described?", operation, answer.status(), contentType).isNotNull();
        assertThat(fieldNames(answer.body())).as("%s %d: fields", operation, answer.status())
                .isSubsetOf(describedFields(media.get("schema")));
    }

    /** The properties a schema describes; for {@code oneOf}, those of any alternative. */
    private Set<String> describedFields(JsonNode schema) {
        Set<String> fields = new TreeSet<>();
        if (schema.has("oneOf")) {
            schema.get("oneOf").forEach(alternative -> fields.addAll(describedFields(alternative)));
            return fields;
        }
        return fieldNames(resolve(schema).get("properties"));
    }

    private JsonNode resolve(JsonNode schema) {
        if (!schema.has("$ref")) {
            return schema;
        }
        String name = schema.get("$ref").asString().substring("#/components/schemas/".length());
        return api.get("components").get("schemas").get(name);
    }

    private Set<String> documentedOperations() {
        Set<String> operations = new TreeSet<>();
        for (Map.Entry<String, JsonNode> path : api.get("paths").properties()) {
            for (String method : path.getValue().propertyNames()) {
                operations.add(method.toUpperCase() + " " + path.getKey());
            }
        }
        return operations;
    }

    private static Set<String> fieldNames(JsonNode object) {
        return new TreeSet<>(object.propertyNames());
    }
}
