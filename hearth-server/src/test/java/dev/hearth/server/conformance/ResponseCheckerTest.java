package dev.hearth.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Schema selection rules, on the small test spec. */
class ResponseCheckerTest {

    private static final ResponseChecker CHECKER = new ResponseChecker(SpecValidator.of(TestSpecs.mini()));
    private static final String MODEL = "{\"id\":\"m\",\"object\":\"model\",\"created\":1,\"owned_by\":\"me\"}";
    private static final String ERROR = "{\"error\":{\"message\":\"m\",\"type\":\"t\",\"param\":null,\"code\":null}}";

    private static ResponseCheck check(String method, String uri, int status, String contentType, String body) {
        return CHECKER.check(method, URI.create("http://h" + uri), status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void successUsesTheOperationsSchemaForItsMediaType() {
        ResponseCheck ok = check("GET", "/v1/models/m", 200, "application/json; charset=utf-8", MODEL);

        assertThat(ok.operationId()).isEqualTo("retrieveModel");
        assertThat(ok.schema()).isEqualTo("Model");
        assertThat(ok.conforms()).isTrue();
        assertThat(check("GET", "/v1/models/m", 200, "application/json", "{}").conforms()).isFalse();
    }

    @Test
    void undocumentedStatusOrMediaTypeIsAViolation() {
        assertThat(check("GET", "/v1/models/m", 201, "application/json", MODEL).violations())
                .singleElement().satisfies(v -> {
                    assertThat(v.keyword()).isEqualTo("status");
                    assertThat(v.message()).contains("201").contains("retrieveModel").contains("200, 404");
                });
        assertThat(check("GET", "/v1/models/m", 200, "text/plain", MODEL).violations())
                .singleElement().satisfies(v -> assertThat(v.keyword()).isEqualTo("content-type"));
    }

    @Test
    void documentedStatusWithoutBodyMustHaveNone() {
        assertThat(check("DELETE", "/v1/models/m", 204, null, "").conforms()).isTrue();
        assertThat(check("DELETE", "/v1/models/m", 204, "application/json", "{}").violations())
                .singleElement().satisfies(v -> assertThat(v.keyword()).isEqualTo("body"));
        assertThat(check("GET", "/v1/models/m", 204, null, "").violations())
                .singleElement().satisfies(v -> assertThat(v.keyword()).isEqualTo("status"));
    }

    @Test
    void errorsAreErrorResponsesEvenOutsideTheSpec() {
        assertThat(check("GET", "/v1/nowhere", 404, "application/json", ERROR).conforms()).isTrue();
        assertThat(check("POST", "/v1/models", 405, "application/json", ERROR).schema()).isEqualTo("ErrorResponse");
        assertThat(check("GET", "/v1/nowhere", 404, "text/plain", "Not Found").violations())
                .extracting(Violation::keyword).contains("content-type", "json");
        assertThat(check("GET", "/v1/models/m", 404, "application/json", "{\"error\":\"nope\"}").violations())
                .extracting(Violation::path).containsOnly("$.error");
    }

    @Test
    void eventStreamsAreCheckedPerEvent() {
        String stream = "event: x\ndata: " + MODEL + "\n\n: keep-alive\n\ndata: {\"id\":1}\n\ndata: [DONE]\n\n";

        ResponseCheck events = check("GET", "/v1/responses/r1", 200, "text/event-stream", stream);

        assertThat(events.schema()).isEqualTo("Model (per event)");
        assertThat(events.violations()).extracting(Violation::path).isNotEmpty().allMatch(p -> p.startsWith("event[1]"));
        assertThat(check("GET", "/v1/responses/r1", 200, "text/event-stream", "").violations())
                .extracting(Violation::keyword).containsExactly("event-stream");
    }

    @Test
    void routesOutsideTheSpecAreNotValidatedOnSuccess() {
        ResponseCheck check = check("GET", "/v1/hearth/version", 200, "application/json", "[]");

        assertThat(check.validated()).isFalse();
        assertThat(check.conforms()).isTrue();
    }

    @Test
    void aCheckThatBreaksIsRecordedAsAHarnessViolation() {
        ResponseChecker broken = new ResponseChecker(null);

        ResponseCheck check = broken.check("get", URI.create("http://h/v1/models"), 200, "application/json", new byte[0]);

        assertThat(check.method()).isEqualTo("GET");
        assertThat(check.violations()).singleElement().satisfies(v -> {
            assertThat(v.keyword()).isEqualTo("harness");
            assertThat(v.message()).contains("NullPointerException");
        });
    }
}
