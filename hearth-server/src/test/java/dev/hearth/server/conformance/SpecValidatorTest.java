package dev.hearth.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Validator behaviour on the small test spec; {@link SharedSpecValidatorTest} covers the real one. */
class SpecValidatorTest {

    private static final SpecValidator VALIDATOR = SpecValidator.of(TestSpecs.mini());

    @Test
    void legacyNullableAllowsNullButStillChecksTheType() {
        String base = "{\"id\":\"m\",\"object\":\"model\",\"created\":1,\"owned_by\":\"me\",\"note\":%s}";

        assertThat(VALIDATOR.validate("Model", base.formatted("null"))).isEmpty();
        assertThat(VALIDATOR.validate("Model", base.formatted("\"text\""))).isEmpty();
        assertThat(VALIDATOR.validate("Model", base.formatted("5")))
                .singleElement().satisfies(v -> assertThat(v.path()).isEqualTo("$.note"));
    }

    @Test
    void refsInsideTheDocumentAreFollowed() {
        String list = "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"object\":\"model\",\"created\":1}]}";

        assertThat(VALIDATOR.validate("ListModelsResponse", list))
                .singleElement().satisfies(v -> {
                    assertThat(v.path()).isEqualTo("$.data[0]");
                    assertThat(v.keyword()).isEqualTo("required");
                    assertThat(v.message()).contains("owned_by");
                });
    }

    @Test
    void inlineSchemaIsValidatedByPointer() {
        String pointer = TestSpecs.mini().operation("deleteModel").orElseThrow().successJson().orElseThrow().schemaPointer();

        assertThat(VALIDATOR.validateAt(pointer, "{\"id\":\"m\",\"deleted\":true}")).isEmpty();
        assertThat(VALIDATOR.validateAt(pointer, "{\"id\":\"m\",\"deleted\":\"yes\"}"))
                .extracting(Violation::path).containsExactly("$.deleted");
    }

    @Test
    void bodyThatIsNotJsonIsAViolation() {
        assertThat(VALIDATOR.validate("Model", "<html>oops</html>"))
                .singleElement().satisfies(v -> {
                    assertThat(v.keyword()).isEqualTo("json");
                    assertThat(v.message()).startsWith("body is not valid JSON");
                });
    }

    @Test
    void unknownSchemaNameIsAnError() {
        assertThatThrownBy(() -> VALIDATOR.validate("NoSuchSchema", "{}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NoSuchSchema");
    }

    @Test
    void assertValidListsEveryViolationWithItsPath() {
        assertThatThrownBy(() -> VALIDATOR.assertValid("Model", "{\"id\":1,\"object\":\"x\",\"created\":1,\"owned_by\":\"me\"}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("#/components/schemas/Model")
                .hasMessageContaining("$.id: ")
                .hasMessageContaining("$.object: ");
    }
}
