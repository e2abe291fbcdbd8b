package io.streamgate.http;

import static org.springdoc.core.fn.builders.apiresponse.Builder.responseBuilder;
import static org.springdoc.core.fn.builders.content.Builder.contentBuilder;
import static org.springdoc.core.fn.builders.header.Builder.headerBuilder;
import static org.springdoc.core.fn.builders.parameter.Builder.parameterBuilder;
import static org.springdoc.core.fn.builders.requestbody.Builder.requestBodyBuilder;
import static org.springdoc.core.fn.builders.schema.Builder.schemaBuilder;

import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.streamgate.stream.StreamId;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.springdoc.core.fn.builders.operation.Builder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.server.WebFilter;
import reactor.core.scheduler.Schedulers;

/**
 * The OpenAPI description of each route, attached to the route itself in {@link StreamRoutes} so that the served
 * description ({@code /v3/api-docs}) lists exactly the routes there are. Statuses follow the README's error table.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocs {

    private static final String TAG = "streams";
    private static final String API_DOCS_PATH = "/v3/api-docs";
    /** What makes a start's body a 400. */
    private static final String BAD_START_BODY = "malformed body, a member other than processor and options, an unknown"
            + " processor, or options it does not take";
    private static final String UNSUPPORTED_BODY =
            "A body that is not JSON, is declared in a charset other than UTF-8, or is sent in a Content-Encoding"
                    + " (identity only)";
    private static final String NOT_CURRENT = "This gateway could not confirm it knows every stream (Retry-After)";

    @Bean
    OpenAPI streamgateOpenApi() {
        return new OpenAPI().info(new Info()
                .title("Streamgate")
                .version("v1")
                .description("Start a stream, send it chunks, read processed results live over Server-Sent Events,"
                        + " end it. A send is answered only once Kafka holds the chunk durably. Errors are RFC 9457"
                        + " problem details."));
    }

    /**
     * springdoc builds the description inside its handler, under a lock, on the calling thread: a request arriving
     * while it is being built (at start-up, or by another request) would park a Netty event loop. So its requests are
     * handled on a thread that may block.
     */
    @Bean
    WebFilter apiDocsOffTheEventLoop() {
        return (exchange, chain) -> exchange.getRequest().getPath().value().startsWith(API_DOCS_PATH)
                ? chain.filter(exchange).subscribeOn(Schedulers.boundedElastic())
                : chain.filter(exchange);
    }

    static Consumer<Builder> start() {
        return operation -> operation.operationId("startStream").tag(TAG)
                .summary("Start a stream with a generated id")
                .requestBody(startBody())
                .response(started())
                .response(problem("400", "A " + BAD_START_BODY))
                .response(problem("415", UNSUPPORTED_BODY))
                .response(problem("429", "The tenant's open-stream limit"))
                .response(problem("503", "As many streams open as the gateway allows, or Kafka did not take the start"
                        + " (nothing stored), or no processor confirmed it in time (stored; retry with the returned"
                        + " stream_id) (Retry-After)"));
    }

    static Consumer<Builder> startWithId() {
        return operation -> operation.operationId("startStreamWithId").tag(TAG)
                .summary("Start a stream with the caller's id")
                .parameter(streamId())
                .requestBody(startBody())
                .response(started())
                .response(problem("400", "Invalid stream id, or a " + BAD_START_BODY))
                .response(problem("409", "A stream with this id exists"))
                .response(problem("415", UNSUPPORTED_BODY))
                .response(problem("429", "The tenant's open-stream limit"))
                .response(problem("503", "As many streams open as the gateway allows, or Kafka did not take the start,"
                        + " or this gateway could not confirm it knows every stream (nothing stored), or no processor"
                        + " confirmed it in time (stored; retry) (Retry-After)"));
    }

    static Consumer<Builder> send() {
        return operation -> operation.operationId("sendChunk").tag(TAG)
                .summary("Send a chunk; answered once Kafka holds it durably")
                .parameter(streamId())
                .parameter(parameterBuilder().in(ParameterIn.HEADER).name("Idempotency-Key")
                        .description("1 to 128 visible ASCII characters; a retry with the same key and data counts"
                                + " once, answered the seq of the copy processed (after a 503 too, within 5 minutes)")
                        .implementation(String.class))
                .description("One chunk as JSON, or many as NDJSON (one {\"data\": ...} object per line, read as"
                        + " it arrives): a batch is stored in order once every line has been checked, and a bad line"
                        + " refuses it whole with 'line' in the problem.")
                .requestBody(requestBodyBuilder().required(true).content(json(Chunk.class))
                        .content(contentBuilder().mediaType(MediaType.APPLICATION_NDJSON_VALUE)
                                .schema(schemaBuilder().implementation(Chunk.class))))
                .response(responseBuilder().responseCode("200").description("Durable in Kafka (a batch: all of it)")
                        .content(contentBuilder().mediaType(MediaType.APPLICATION_JSON_VALUE).schema(schemaBuilder()
                                .oneOf(new Class<?>[] {ApiResponses.Sent.class, ApiResponses.SentBatch.class}))))
                .response(problem("400", "Malformed JSON or UTF-8, missing or non-string data, invalid id or key"))
                .response(problem("404", "No such stream"))
                .response(problem("409", "The stream has ended"))
                .response(problem("413", "Chunk over max-chunk-size; a batch over max-batch-size or max-batch-chunks;"
                        + " a chunk Kafka's topic refuses as too large (limit max.message.bytes, an operator's"
                        + " setting)"))
                .response(problem("415", UNSUPPORTED_BODY))
                .response(problem("422", "The Idempotency-Key was used for a send of other data; nothing stored"))
                .response(problem("429", "The tenant's send rate"))
                .response(problem("503", "Kafka did not confirm the chunk in time (most likely not stored, see the"
                        + " README's guarantees), or this gateway could not confirm it knows every"
                        + " stream (nothing stored); Retry-After, unless 'seqs' says which chunks of a batch were"
                        + " stored"));
    }

    static Consumer<Builder> results() {
        return operation -> operation.operationId("readResults").tag(TAG)
                .summary("Read the stream's results: live Server-Sent Events, or those held as JSON")
                .description("Events: result (id = its position in the results log), end, gap, overflow,"
                        + " reconnect; heartbeat comments while quiet. Resume with Last-Event-ID (or lastEventId) to"
                        + " get exactly the events after it; as JSON, the results held after it and the"
                        + " last_event_id to ask after next time.")
                .parameter(streamId())
                .parameter(parameterBuilder().in(ParameterIn.HEADER).name("Last-Event-ID")
                        .description("Resume after this event id").implementation(Long.class))
                .parameter(parameterBuilder().in(ParameterIn.QUERY).name("lastEventId")
                        .description("The same, for clients that cannot set headers").implementation(Long.class))
                .response(responseBuilder().responseCode("200").description("The results")
                        .content(contentBuilder().mediaType(MediaType.TEXT_EVENT_STREAM_VALUE)
                                .schema(schemaBuilder().type("string")))
                        .content(json(ApiResponses.Results.class)))
                .response(responseBuilder().responseCode("204")
                        .description("Events resumed after the end event: nothing more will come"))
                .response(problem("400", "Malformed Last-Event-ID"))
                .response(problem("404", "No such stream"))
                .response(problem("406", "An Accept that admits neither text/event-stream nor application/json"))
                .response(problem("429", "The tenant's reader limit"))
                .response(problem("503", NOT_CURRENT));
    }

    static Consumer<Builder> end() {
        return operation -> operation.operationId("endStream").tag(TAG)
                .summary("End a stream: its readers get every result, then the end event")
                .parameter(streamId())
                .response(responseBuilder().responseCode("200").description("Ended")
                        .content(json(ApiResponses.Ended.class)))
                .response(problem("404", "No such stream"))
                .response(problem("409", "The stream has already ended"))
                .response(problem("503", "Kafka did not take the end, or this gateway could not confirm it knows every"
                        + " stream; retry (Retry-After)"));
    }

    static Consumer<Builder> status() {
        return operation -> operation.operationId("streamStatus").tag(TAG)
                .summary("A stream's state and counters")
                .parameter(streamId())
                .response(responseBuilder().responseCode("200").description("The stream")
                        .content(json(ApiResponses.Status.class)))
                .response(problem("404", "No such stream"))
                .response(problem("503", NOT_CURRENT));
    }


    static Consumer<Builder> resultsHead() {
        return operation -> operation.operationId("readResultsHead").tag(TAG)
                .summary("The headers a read of the results gets, without a body; opens no reader")
                .parameter(streamId())
                .response(responseBuilder().responseCode("200").description("The read's headers"))
                .response(responseBuilder().responseCode("204").description("Resumed after the end event"))
                .response(responseBuilder().responseCode("400").description("Malformed Last-Event-ID"))
                .response(responseBuilder().responseCode("404").description("No such stream"))
                .response(responseBuilder().responseCode("406").description("An Accept that admits neither form"));
    }

    static Consumer<Builder> statusHead() {
        return operation -> operation.operationId("streamStatusHead").tag(TAG)
                .summary("The headers of a stream's status, without its body")
                .parameter(streamId())
                .response(responseBuilder().responseCode("200").description("The status's headers"))
                .response(responseBuilder().responseCode("404").description("No such stream"));
    }

    @Schema(description = "A chunk to send")
    record Chunk(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "The chunk, as text") String data) {
    }

    @Schema(description = "Optional: the processor for the stream's chunks (uppercase when absent) and its options;"
            + " no other member", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
    record StartRequest(@Schema(example = "filter") String processor,
                        @Schema(description = "The processor's options, string keys and values", example = "{\"contains\": \"error\"}")
                        java.util.Map<String, String> options) {
    }

    private static org.springdoc.core.fn.builders.parameter.Builder streamId() {
        return parameterBuilder().in(ParameterIn.PATH).name("streamId").required(true)
                .description("Not '.' or '..'")
                .schema(schemaBuilder().type("string").pattern(StreamId.PATTERN));
    }

    private static org.springdoc.core.fn.builders.requestbody.Builder startBody() {
        return requestBodyBuilder().required(false).content(json(StartRequest.class));
    }

    private static org.springdoc.core.fn.builders.apiresponse.Builder started() {
        return responseBuilder().responseCode("201").description("Started; Location names the stream")
                .header(headerBuilder().name("Location").schema(schemaBuilder().type("string")))
                .content(json(ApiResponses.Started.class));
    }

    private static org.springdoc.core.fn.builders.apiresponse.Builder problem(String status, String when) {
        return responseBuilder().responseCode(status).description(when).content(contentBuilder()
                .mediaType(MediaType.APPLICATION_PROBLEM_JSON_VALUE)
                .schema(schemaBuilder().implementation(ProblemBody.class)));
    }

    private static org.springdoc.core.fn.builders.content.Builder json(Class<?> body) {
        return contentBuilder().mediaType(MediaType.APPLICATION_JSON_VALUE).schema(schemaBuilder().implementation(body));
    }
}
