package io.streamgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.streamgate.stream.ResultEvent;
import io.streamgate.stream.ResultEvent.Kind;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ApiResponsesTest {

    @Test
    void shouldCountABatchsChunksInItsMessageOneOrMany() {
        assertThat(new ApiResponses.SentBatch("job-1", List.of(7L)).message())
                .isEqualTo("1 chunk sent to stream job-1!");
        assertThat(new ApiResponses.SentBatch("job-1", List.of(7L, 9L)).message()).isEqualTo("2 chunks sent to stream job-1!");
    }

    @Test
    void shouldAnswerPolledResultsWithTheIdToAskAfterNextAndAnyGap() {
        List<ResultEvent> events = List.of(new ResultEvent(Kind.GAP, ResultEvent.NO_ID, "{\"resumes_at\":7}"),
                new ResultEvent(Kind.RESULT, 7, "{\"seq\":1}"), new ResultEvent(Kind.END, 9, "{\"reason\":\"x\"}"));

        assertThat(json(new ApiResponses.Results(events, 3, true))).isEqualTo("""
                {"status":"success","data":[{"seq":1}],"ended":true,"last_event_id":9,"gap":{"resumes_at":7}}""");
        assertThat(json(new ApiResponses.Results(List.of(), 9, true))).as("nothing newer: the id asked for")
                .isEqualTo("""
                        {"status":"success","data":[],"ended":true,"last_event_id":9}""");
        assertThat(json(new ApiResponses.Results(List.of(), ResultEvent.NO_ID, false))).as("nothing yet")
                .isEqualTo("""
                        {"status":"success","data":[],"ended":false,"last_event_id":null}""");
    }

    private static String json(Object body) {
        return JsonMapper.builder().build().writeValueAsString(body);
    }
}
