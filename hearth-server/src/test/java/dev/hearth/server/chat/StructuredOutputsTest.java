package dev.hearth.server.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.networknt.schema.dialect.Dialects;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.TestServer;
import dev.hearth.server.testing.TinyLlm;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code response_format} on a random-weight model, which writes garbage when unconstrained: with a
 * schema every finished answer parses and validates; keywords Hearth cannot enforce are refused.
 */
@RequiresSpec
class StructuredOutputsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String SCHEMA = """
      {"type":"object","properties":{
        "name":{"type":"string","maxLength":8},
        "age":{"type":"integer"},
        "mood":{"enum":["happy","sad"]},
        "tags":{"type":"array","items":{"type":"boolean"},"maxItems":3}},
       "required":["name","age","mood","tags"],"additionalProperties":false}""";

  @TempDir static Path dir;
  static TestServer server;

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  @BeforeAll
  static void start() {
    Path model = TinyLlm.write(dir);
    server = TestServer.start(TinyLlm.config(dir.resolve("data"), model, 4, 16), List.of());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private OpenAIClient client() {
    return conformance.openAi(server.baseUrl(), "sk-any");
  }

  @SuppressWarnings("unchecked")
  static ResponseFormatJsonSchema schemaFormat(String schema) {
    Map<String, Object> tree = JSON.readValue(schema, Map.class);
    ResponseFormatJsonSchema.JsonSchema.Schema.Builder s = ResponseFormatJsonSchema.JsonSchema.Schema.builder();
    tree.forEach((k, v) -> s.putAdditionalProperty(k, JsonValue.from(v)));
    return ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
        .name("person").strict(true).schema(s.build()).build()).build();
  }

  @Test
  void everyFinishedAnswerValidatesAgainstTheSchema() {
    Schema validator = SchemaRegistry.withDialect(Dialects.getDraft202012()).getSchema(SCHEMA);
    int finished = 0;
    for (long seed = 1; seed <= 6; seed++) {
      ChatCompletion c = client().chat().completions().create(ChatCompletionCreateParams.builder()
          .model("gpt-4o-mini").addUserMessage("Describe someone.").responseFormat(schemaFormat(SCHEMA))
          .temperature(1.0).seed(seed).maxCompletionTokens(300).build());
      ChatCompletion.Choice choice = c.choices().getFirst();
      if (ChatCompletion.Choice.FinishReason.STOP.equals(choice.finishReason())) {
        String content = choice.message().content().orElseThrow();
        JsonNode parsed = JSON.readTree(content);
        assertThat(validator.validate(parsed)).as(content).isEmpty();
        finished++;
      }
    }
    assertThat(finished).as("the constrained garbage model finishes most answers within 300 tokens").isGreaterThanOrEqualTo(4);
  }

  @Test
  void jsonObjectModeGivesAnObject() {
    ChatCompletion c = client().chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gpt-4o-mini").addUserMessage("Anything").responseFormat(ResponseFormatJsonObject.builder().build())
        .seed(3L).maxCompletionTokens(40).build());
    ChatCompletion.Choice choice = c.choices().getFirst();
    String content = choice.message().content().orElseThrow();
    assertThat(content).startsWith("{");
    if (ChatCompletion.Choice.FinishReason.STOP.equals(choice.finishReason())) {
      assertThat(JSON.readTree(content).isObject()).as(content).isTrue();
    }
  }

  @Test
  void aTokenBudgetCutOffIsReportedAsLength() {
    ChatCompletion c = client().chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gpt-4o-mini").addUserMessage("Describe someone.").responseFormat(schemaFormat(SCHEMA))
        .seed(1L).maxCompletionTokens(3).build());
    assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
    assertThat(c.choices().getFirst().message().content().orElseThrow()).startsWith("{\"");
  }

  @Test
  void keywordsThatCannotBeEnforcedAreRefusedByName() {
    String withPattern = """
        {"type":"object","properties":{"zip":{"type":"string","pattern":"^[0-9]{5}$"}}}""";
    assertThatThrownBy(() -> client().chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gpt-4o-mini").addUserMessage("x").responseFormat(schemaFormat(withPattern)).build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.param()).contains("response_format.json_schema.schema");
          assertThat(e.getMessage()).contains("pattern").contains("#/properties/zip");
        });
  }
}
