package dev.hearth.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

@RequiresSpec
class SharedOpenApiSpecTest {

    @Test
    void loadsOnceAndFindsOperationsAndSchemas() {
        OpenApiSpec spec = OpenApiSpec.shared();
        System.out.printf("OpenAPI spec %s loaded in %d ms (%s), %d operations%n", spec.file(),
                spec.loadTime().toMillis(), spec.loadedFromCache() ? "cached JSON" : "YAML", spec.operations().size());

        assertThat(OpenApiSpec.shared()).isSameAs(spec);
        assertThat(spec.basePath()).isEqualTo("/v1");
        assertThat(spec.operations()).hasSizeGreaterThan(200);
        Operation retrieve = spec.find("GET", "/v1/models/gpt-4o-mini", "").orElseThrow();
        assertThat(retrieve.operationId()).isEqualTo("retrieveModel");
        assertThat(retrieve.responseSchemaRef()).contains("Model");
        assertThat(spec.find("POST", "/v1/chat/completions", "")).map(Operation::responseSchemaRef)
                .contains(Optional.of("CreateChatCompletionResponse"));
        assertThat(spec.schema("ErrorResponse").path("required").toString()).contains("error");
    }
}
