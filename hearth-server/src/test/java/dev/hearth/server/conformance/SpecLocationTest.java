package dev.hearth.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.io.TempDir;

class SpecLocationTest {

    @TempDir
    Path tmp;

    @Test
    void missingSharedDirIsUnavailableWithReason() {
        SpecLocation location = SpecLocation.ofSharedDir(tmp.resolve("nope"));

        assertThat(location.isAvailable()).isFalse();
        assertThat(location.unavailableReason()).get().asString()
                .contains("does not exist").contains("nope");
        assertThatThrownBy(location::requireSpecFile).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void sharedDirWithoutSpecIsUnavailable() {
        SpecLocation location = SpecLocation.ofSharedDir(tmp);

        assertThat(location.isAvailable()).isFalse();
        assertThat(location.unavailableReason()).get().asString().contains("openapi.yaml is missing");
    }

    @Test
    void sharedDirWithSpecIsAvailable() throws IOException {
        Path spec = tmp.resolve("openai-openapi/openapi.yaml");
        Files.createDirectories(spec.getParent());
        Files.writeString(spec, "openapi: 3.1.0\n");

        SpecLocation location = SpecLocation.ofSharedDir(tmp);

        assertThat(location.isAvailable()).isTrue();
        assertThat(location.unavailableReason()).isEmpty();
        assertThat(location.requireSpecFile()).isEqualTo(spec.toAbsolutePath().normalize());
    }

    @Test
    void conditionDisablesWithReasonWhenSpecIsMissing() {
        ConditionEvaluationResult result = RequiresSpecCondition.evaluate(SpecLocation.ofSharedDir(tmp.resolve("nope")));

        assertThat(result.isDisabled()).isTrue();
        assertThat(result.getReason()).get().asString().startsWith("OpenAPI spec unavailable:").contains("nope");
    }

    @Test
    void conditionEnablesWhenSpecExists() throws IOException {
        Path spec = tmp.resolve("openai-openapi/openapi.yaml");
        Files.createDirectories(spec.getParent());
        Files.writeString(spec, "openapi: 3.1.0\n");

        assertThat(RequiresSpecCondition.evaluate(SpecLocation.ofSharedDir(tmp)).isDisabled()).isFalse();
    }
}
