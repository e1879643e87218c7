package dev.hearth.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SDK and raw clients against a fake server with canned valid and invalid bodies. */
@RequiresSpec
class ConformanceClientsTest {

    private static final String MODEL = """
            {"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"}""";
    private static final String MODEL_WITHOUT_OWNER = """
            {"id":"gpt-4o-mini","object":"model","created":1721172741}""";
    private static final String NOT_FOUND = """
            {"error":{"message":"The model 'nope' does not exist","type":"invalid_request_error","param":"model","code":"model_not_found"}}""";
    private static final String CHUNK = """
            {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}""";

    private final ConformanceRecorder recorder = new ConformanceRecorder();
    private FakeServer server;
    private OpenAIClient client;

    @BeforeEach
    void start() throws IOException {
        server = new FakeServer();
        client = ConformanceClients.openAi(server.sdkBaseUrl(), "sk-test", recorder);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void validListPasses() {
        server.json("GET /v1/models", 200, "{\"object\":\"list\",\"data\":[" + MODEL + "]}");

        List<Model> models = client.models().list().data();

        assertThat(models).extracting(Model::id).containsExactly("gpt-4o-mini");
        assertThat(recorder.checks()).singleElement().satisfies(check -> {
            assertThat(check.operationId()).isEqualTo("listModels");
            assertThat(check.schema()).isEqualTo("ListModelsResponse");
            assertThat(check.conforms()).isTrue();
        });
        recorder.assertNoViolations();
    }

    @Test
    void invalidListIsRecordedWhileTheSdkStillGetsTheBytes() {
        server.json("GET /v1/models", 200, "{\"object\":\"lists\",\"data\":[" + MODEL_WITHOUT_OWNER + "]}");

        assertThat(client.models().list().data()).extracting(Model::id).containsExactly("gpt-4o-mini");

        assertThatThrownBy(recorder::assertNoViolations)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("GET /v1/models -> 200 (listModels) against ListModelsResponse")
                .hasMessageContaining("$.object")
                .hasMessageContaining("$.data[0]: required property 'owned_by' not found");
    }

    @Test
    void errorBodiesAreValidatedAsErrorResponse() {
        server.json("GET /v1/models/nope", 404, NOT_FOUND);
        server.json("GET /v1/models/bad", 404, "{\"detail\":\"Not Found\"}");

        assertThatThrownBy(() -> client.models().retrieve("nope")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.models().retrieve("bad")).isInstanceOf(NotFoundException.class);

        assertThat(recorder.checks()).extracting(ResponseCheck::schema).containsOnly("ErrorResponse");
        assertThat(recorder.failures()).singleElement().satisfies(check -> {
            assertThat(check.path()).isEqualTo("/v1/models/bad");
            assertThat(check.violations()).extracting(Violation::message).anySatisfy(m -> assertThat(m).contains("error"));
        });
    }

    @Test
    void asyncClientIsCheckedToo() {
        server.json("GET /v1/models/gpt-4o-mini", 200, MODEL_WITHOUT_OWNER);

        client.async().models().retrieve("gpt-4o-mini").join();

        assertThat(recorder.failures()).singleElement()
                .satisfies(check -> assertThat(check.operationId()).isEqualTo("retrieveModel"));
    }

    @Test
    void streamedEventsAreValidatedOneByOne() {
        String badChunk = CHUNK.replace("\"object\":\"chat.completion.chunk\"", "\"object\":\"chat.completion\"");
        server.answer("POST /v1/chat/completions", 200, "text/event-stream",
                "data: " + CHUNK + "\n\ndata: " + badChunk + "\n\ndata: [DONE]\n\n");
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("m").addUserMessage("hi").build();

        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            assertThat(stream.stream().count()).isEqualTo(2);
        }

        assertThat(recorder.failures()).singleElement().satisfies(check -> {
            assertThat(check.schema()).isEqualTo("CreateChatCompletionStreamResponse (per event)");
            assertThat(check.violations()).extracting(Violation::path).containsOnly("event[1].object");
        });
    }

    @Test
    void rawRequestsAreCheckedLikeTheSdks() {
        server.json("POST /v1/chat/completions", 400, """
                {"error":{"message":"We could not parse the JSON body of your request.","type":"invalid_request_error","param":null,"code":null}}""");
        server.answer("GET /v1/models", 200, "text/html", "<html></html>");

        try (RawHttp raw = ConformanceClients.rawHttp(server.origin(), "sk-test", recorder)) {
            RawResponse malformed = raw.post("/v1/chat/completions", "{not json");
            RawResponse html = raw.get("/v1/models");

            assertThat(malformed.statusCode()).isEqualTo(400);
            assertThat(html.body()).isEqualTo("<html></html>");
        }

        assertThat(recorder.checks()).extracting(ResponseCheck::conforms).containsExactly(true, false);
        assertThat(recorder.failures().getFirst().violations()).extracting(Violation::keyword).containsExactly("content-type");
    }

    @Test
    void routesOutsideTheSpecAreRecordedButNotValidated() {
        server.json("GET /v1/hearth/version", 200, "{\"anything\":true}");

        try (RawHttp raw = ConformanceClients.rawHttp(server.origin(), null, recorder)) {
            raw.get("/v1/hearth/version");
        }

        assertThat(recorder.checks()).singleElement().satisfies(check -> {
            assertThat(check.operationId()).isEmpty();
            assertThat(check.validated()).isFalse();
        });
        recorder.assertNoViolations();
    }
}
