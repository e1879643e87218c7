package dev.hearth.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@RequiresSpec
class SharedSpecValidatorTest {

    private static final String MODEL = """
            {"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"}""";

    private final SpecValidator validator = SpecValidator.shared();

    @Test
    void validModelListAndErrorPass() {
        assertThatCode(() -> validator.assertValid("Model", MODEL)).doesNotThrowAnyException();
        assertThatCode(() -> validator.assertValid("ListModelsResponse", "{\"object\":\"list\",\"data\":[" + MODEL + "]}"))
                .doesNotThrowAnyException();
        assertThatCode(() -> validator.assertValid("ErrorResponse", """
                {"error":{"message":"The model 'x' does not exist","type":"invalid_request_error","param":null,"code":null}}"""))
                .doesNotThrowAnyException();
    }

    @Test
    void modelWithoutOwnedByFailsNamingTheField() {
        assertThatThrownBy(() -> validator.assertValid("Model", """
                {"id":"gpt-4o-mini","object":"model","created":1721172741}"""))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("owned_by")
                .hasMessageContaining("[required]");
    }

    @Test
    void errorWithNumericParamFailsAtThatField() {
        assertThat(validator.validate("ErrorResponse", """
                {"error":{"message":"m","type":"invalid_request_error","param":3,"code":null}}"""))
                .isNotEmpty()
                .allSatisfy(v -> assertThat(v.path()).isEqualTo("$.error.param"));
    }

    @Test
    void objectOutsideTheEnumFails() {
        assertThat(validator.validate("Model", MODEL.replace("\"object\":\"model\"", "\"object\":\"models\"")))
                .singleElement().satisfies(v -> {
                    assertThat(v.path()).isEqualTo("$.object");
                    assertThat(v.keyword()).isEqualTo("enum");
                });
    }

    @Test
    void missingErrorFieldsAreReported() {
        assertThat(validator.validate("ErrorResponse", "{\"error\":{\"message\":\"m\"}}"))
                .extracting(Violation::message)
                .anySatisfy(m -> assertThat(m).contains("type"))
                .anySatisfy(m -> assertThat(m).contains("param"))
                .anySatisfy(m -> assertThat(m).contains("code"));
    }

    @Test
    void everyComponentAndResponseSchemaCompiles() {
        OpenApiSpec spec = validator.spec();
        List<String> pointers = new ArrayList<>();
        spec.root().path("components").path("schemas").propertyNames()
                .forEach(name -> pointers.add("/components/schemas/" + OpenApiSpec.escape(name)));
        spec.operations().forEach(op -> op.responses().forEach(r -> pointers.add(r.schemaPointer())));

        assertThat(pointers).hasSizeGreaterThan(1000).allSatisfy(pointer ->
                assertThatCode(() -> validator.validateAt(pointer, "{}")).as(pointer).doesNotThrowAnyException());
    }

    @Test
    void exclusiveMinimumFromOpenApi30IsEnforced() {
        String hyperparameters = "{\"learning_rate_multiplier\":%s}";

        assertThat(validator.validate("FineTuneSupervisedHyperparameters", hyperparameters.formatted("0.5"))).isEmpty();
        assertThat(validator.validate("FineTuneSupervisedHyperparameters", hyperparameters.formatted("0")))
                .extracting(Violation::path).contains("$.learning_rate_multiplier");
    }

    @Test
    void additionalPropertiesFalseIsEnforcedAndOpenSchemasStayOpen() {
        assertThat(validator.validate("ComparisonFilter", "{\"type\":\"eq\",\"key\":\"k\",\"value\":1}")).isEmpty();
        assertThat(validator.validate("ComparisonFilter", "{\"type\":\"eq\",\"key\":\"k\",\"value\":1,\"extra\":2}"))
                .singleElement().satisfies(v -> {
                    assertThat(v.keyword()).isEqualTo("additionalProperties");
                    assertThat(v.message()).contains("extra");
                });
        assertThat(validator.validate("Model", MODEL.replace("}", ",\"hearth_extra\":true}"))).isEmpty();
    }
}
