package dev.hearth.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConformanceRecorderTest {

    private static final ResponseCheck GOOD = new ResponseCheck("GET", "/v1/models", 200, "listModels",
            "ListModelsResponse", List.of());
    private static final ResponseCheck BAD = new ResponseCheck("GET", "/v1/models/x", 200, "retrieveModel", "Model",
            List.of(new Violation("$", "required", "required property 'owned_by' not found")));

    @Test
    void nothingRecordedFailsBecauseTheClientIsProbablyNotWired() {
        ConformanceRecorder recorder = new ConformanceRecorder();

        assertThatThrownBy(recorder::assertNoViolations).isInstanceOf(AssertionError.class)
                .hasMessageContaining("no responses were recorded");
        assertThatCode(recorder::assertNoViolationsSoFar).doesNotThrowAnyException();
    }

    @Test
    void listsOnlyTheFailingResponses() {
        ConformanceRecorder recorder = new ConformanceRecorder();
        recorder.record(GOOD);
        recorder.record(BAD);

        assertThat(recorder.failures()).containsExactly(BAD);
        assertThatThrownBy(recorder::assertNoViolations).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("1 of 2 responses do not match the OpenAPI spec:")
                .hasMessageContaining("GET /v1/models/x -> 200 (retrieveModel) against Model")
                .hasMessageContaining("$: required property 'owned_by' not found [required]")
                .hasMessageNotContaining("listModels");
    }

    @Test
    void extensionFailsTheTestAfterAViolationAndStartsAfreshForTheNext() {
        ConformanceExtension extension = new ConformanceExtension();
        extension.recorder().record(BAD);

        assertThatThrownBy(() -> extension.afterEach(null)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("retrieveModel");
        assertThat(extension.recorder().checks()).isEmpty();

        extension.recorder().record(GOOD);
        assertThatCode(() -> extension.afterEach(null)).doesNotThrowAnyException();
        assertThatCode(() -> extension.afterEach(null)).as("a test that made no request").doesNotThrowAnyException();
    }
}
