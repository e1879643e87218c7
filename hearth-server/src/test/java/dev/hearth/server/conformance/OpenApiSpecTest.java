package dev.hearth.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpenApiSpecTest {

    private final OpenApiSpec mini = TestSpecs.mini();

    @Test
    void readsOperationsWithTagsAndResponseSchemas() {
        assertThat(mini.operations()).extracting(op -> op.method() + " " + op.path())
                .containsExactly("GET /models", "GET /models/{model}", "DELETE /models/{model}", "GET /models/search",
                        "GET /responses/{response_id}", "GET /responses/{response_id}?beta=true", "GET /health");

        Operation retrieve = mini.operation("retrieveModel").orElseThrow();
        assertThat(retrieve.tags()).containsExactly("Models");
        assertThat(retrieve.responseSchemaRef()).contains("Model");
        assertThat(retrieve.response(404, "application/json")).map(ResponseContent::schemaName).contains(Optional.of("ErrorResponse"));
        assertThat(mini.operation("health").orElseThrow().tag()).isEqualTo(Operation.UNTAGGED);
    }

    @Test
    void inlineResponseSchemaHasAPointerButNoName() {
        ResponseContent delete = mini.operation("deleteModel").orElseThrow().successJson().orElseThrow();

        assertThat(delete.schemaName()).isEmpty();
        assertThat(delete.schemaPointer())
                .isEqualTo("/paths/~1models~1{model}/delete/responses/200/content/application~1json/schema");
        assertThat(mini.operation("deleteModel").orElseThrow().responseSchemaRef()).isEmpty();
    }

    @Test
    void basePathComesFromTheFirstServer() {
        assertThat(mini.basePath()).isEqualTo("/v1");
    }

    @Test
    void findsOperationsForConcretePaths() {
        assertThat(mini.find("GET", "/v1/models", null)).map(Operation::operationId).contains("listModels");
        assertThat(mini.find("get", "/v1/models/gpt-4o", "")).map(Operation::operationId).contains("retrieveModel");
        assertThat(mini.find("DELETE", "/v1/models/ft:gpt-4o:acme", "")).map(Operation::operationId).contains("deleteModel");
        assertThat(mini.find("POST", "/v1/models", "")).isEmpty();
        assertThat(mini.find("GET", "/models", "")).as("outside the base path").isEmpty();
        assertThat(mini.find("GET", "/v1/models/a/b", "")).isEmpty();
    }

    @Test
    void literalSegmentBeatsTemplateAndQueryKeyNeedsItsQuery() {
        assertThat(mini.find("GET", "/v1/models/search", "")).map(Operation::operationId).contains("searchModels");
        assertThat(mini.find("GET", "/v1/responses/resp_1", "include=x")).map(Operation::operationId).contains("getResponse");
        assertThat(mini.find("GET", "/v1/responses/resp_1", "beta=true&x=1")).map(Operation::operationId).contains("getResponseBeta");
    }

    @Test
    void schemaByName() {
        assertThat(mini.schema("Model").path("required").toString()).contains("owned_by");
        assertThat(mini.hasSchema("Nope")).isFalse();
        assertThatThrownBy(() -> mini.schema("Nope")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Nope");
    }
}
