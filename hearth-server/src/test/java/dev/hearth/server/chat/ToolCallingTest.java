package dev.hearth.server.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.hearth.engine.tinymodel.TinyModelSpec;
import dev.hearth.engine.tinymodel.TinyModelWriter;
import dev.hearth.engine.tinymodel.TinyVocabulary;
import dev.hearth.server.config.ConfigLoader;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.LlmFixtures;
import dev.hearth.server.testing.TestServer;
import dev.hearth.server.testing.TinyLlm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Function calling through the official SDK on random-weight models carrying real chat templates
 * (Qwen2.5: Hermes {@code <tool_call>} syntax; Llama 3.1: JSON calls; Mistral Nemo:
 * {@code [TOOL_CALLS]}). Such a model writes garbage unless constrained, so with {@code required} or
 * a named function every call it makes must parse and validate against the function's schema.
 */
@RequiresSpec
class ToolCallingTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  static final String WEATHER = """
      {"type":"object","properties":{
        "city":{"type":"string","maxLength":10},
        "unit":{"enum":["celsius","fahrenheit"]},
        "days":{"type":"integer"}},
       "required":["city","unit","days"],"additionalProperties":false}""";
  static final String TIME = """
      {"type":"object","properties":{"zone":{"enum":["UTC","CET"]}},"required":["zone"],"additionalProperties":false}""";
  private static final Map<String, Schema> VALIDATORS = Map.of(
      "get_weather", SchemaRegistry.withDialect(Dialects.getDraft202012()).getSchema(WEATHER),
      "get_time", SchemaRegistry.withDialect(Dialects.getDraft202012()).getSchema(TIME));

  @TempDir static Path dir;
  static TestServer server;

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  @BeforeAll
  static void start() throws Exception {
    Path templates = LlmFixtures.require("chat-templates");
    StringBuilder yaml = new StringBuilder("models:\n  - id: qwen2.5-0.5b-instruct\n    enabled: false\n");
    for (var e : Map.of("qwen", "Qwen-Qwen2.5-7B-Instruct.jinja", "llama", "meta-llama-Llama-3.1-8B-Instruct.jinja",
        "mistral", "mistralai-Mistral-Nemo-Instruct-2407.jinja").entrySet()) {
      Path model = dir.resolve(e.getKey() + ".gguf");
      TinyModelWriter.write(TinyModelSpec.of("llama").withDimensions(2, 64, 4, 2, 128, 2048),
          TinyVocabulary.byteLevelBpe(200).withChatTemplate(Files.readString(templates.resolve(e.getValue()))), model);
      yaml.append("  - id: ").append(e.getKey()).append("\n    engine: gguf\n    source: \"").append(model)
          .append("\"\n    options:\n      max_concurrent_sequences: 4\n");
    }
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    Path config = data.resolve("models.yaml");
    Files.writeString(config, yaml);
    server = TestServer.start(ConfigLoader.defaults().file(config).set("data_dir", data.toString()).set("server.port", "0")
        .load(), List.of());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private OpenAIClient client() {
    return conformance.openAi(server.baseUrl(), "sk-any");
  }

  @SuppressWarnings("unchecked")
  static ChatCompletionFunctionTool tool(String name, String schema, boolean strict) {
    Map<String, Object> tree = JSON.readValue(schema, Map.class);
    FunctionParameters.Builder p = FunctionParameters.builder();
    tree.forEach((k, v) -> p.putAdditionalProperty(k, JsonValue.from(v)));
    return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name(name)
        .description("Returns the " + name.substring(4) + ".").parameters(p.build()).strict(strict).build()).build();
  }

  static ChatCompletionCreateParams.Builder request(String model, long seed) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("What is the weather in Paris?")
        .addTool(tool("get_weather", WEATHER, true)).addTool(tool("get_time", TIME, true))
        .seed(seed).temperature(1.0).maxCompletionTokens(120);
  }

  static ChatCompletionNamedToolChoice named(String name) {
    return ChatCompletionNamedToolChoice.builder()
        .function(ChatCompletionNamedToolChoice.Function.builder().name(name).build()).build();
  }

  private static List<ChatCompletionMessageFunctionToolCall> calls(ChatCompletion.Choice choice) {
    return choice.message().toolCalls().orElse(List.of()).stream().map(c -> c.asFunction()).toList();
  }

  private static void assertValid(ChatCompletionMessageFunctionToolCall call) {
    assertThat(call.id()).startsWith("call_");
    Schema validator = VALIDATORS.get(call.function().name());
    assertThat(validator).as(call.function().name()).isNotNull();
    assertThat(validator.validate(JSON.readTree(call.function().arguments()))).as(call.function().arguments()).isEmpty();
  }

  @Test
  void requiredGivesOneCallWithValidArguments() {
    int finished = 0;
    for (long seed = 1; seed <= 5; seed++) {
      ChatCompletion.Choice choice = client().chat().completions().create(request("qwen", seed)
          .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).parallelToolCalls(false).build()).choices().getFirst();
      if (choice.finishReason().equals(ChatCompletion.Choice.FinishReason.TOOL_CALLS)) {
        assertThat(calls(choice)).hasSize(1).allSatisfy(ToolCallingTest::assertValid);
        assertThat(choice.message().content()).isEmpty();
        assertThat(choice.message().refusal()).isEmpty();
        finished++;
      }
    }
    assertThat(finished).as("the constrained garbage model finishes most calls within 120 tokens").isGreaterThanOrEqualTo(3);
  }

  @Test
  void aNamedFunctionIsCalledInEveryModelsSyntax() {
    for (String model : List.of("qwen", "llama", "mistral")) {
      int finished = 0;
      for (long seed = 1; seed <= 3; seed++) {
        ChatCompletion.Choice choice = client().chat().completions().create(request(model, seed).toolChoice(named("get_time"))
            .build()).choices().getFirst();
        assertThat(choice.finishReason()).as(model).isIn(ChatCompletion.Choice.FinishReason.TOOL_CALLS,
            ChatCompletion.Choice.FinishReason.LENGTH);
        if (choice.finishReason().equals(ChatCompletion.Choice.FinishReason.TOOL_CALLS)) {
          assertThat(calls(choice)).as(model).singleElement().satisfies(c -> {
            assertThat(c.function().name()).isEqualTo("get_time");
            assertValid(c);
          });
          finished++;
        }
      }
      assertThat(finished).as(model).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void parallelCallsAreSeveralValidCallsAndOneWhenNotAllowed() {
    // the end-of-turn token banned: after a call the model must go on, with a further call when allowed
    Map<String, Long> noEnd = Map.of(Integer.toString(TinyLlm.endOfTurn(dir.resolve("qwen.gguf"))), -100L);
    for (long seed = 1; seed <= 2; seed++) {
      ChatCompletion.Choice choice = client().chat().completions().create(request("qwen", seed)
          .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).parallelToolCalls(true).maxCompletionTokens(300)
          .logitBias(bias(noEnd)).build()).choices().getFirst();
      List<ChatCompletionMessageFunctionToolCall> calls = calls(choice);
      assertThat(calls).hasSizeGreaterThanOrEqualTo(2);
      assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
      calls.subList(0, calls.size() - 1).forEach(ToolCallingTest::assertValid);
      assertThat(calls.stream().map(ChatCompletionMessageFunctionToolCall::id).distinct()).hasSize(calls.size());

      ChatCompletion.Choice single = client().chat().completions().create(request("qwen", seed)
          .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).parallelToolCalls(false).maxCompletionTokens(300)
          .logitBias(bias(noEnd)).build()).choices().getFirst();
      if (single.finishReason().equals(ChatCompletion.Choice.FinishReason.TOOL_CALLS)) {
        assertThat(calls(single)).singleElement().satisfies(ToolCallingTest::assertValid);
      }
    }
  }

  private static ChatCompletionCreateParams.LogitBias bias(Map<String, Long> bias) {
    ChatCompletionCreateParams.LogitBias.Builder b = ChatCompletionCreateParams.LogitBias.builder();
    bias.forEach((k, v) -> b.putAdditionalProperty(k, JsonValue.from(v)));
    return b.build();
  }

  @Test
  void autoWithAModelThatAnswersInTextGivesContent() {
    for (long seed = 1; seed <= 2; seed++) {
      ChatCompletion.Choice choice = client().chat().completions().create(request("qwen", seed).maxCompletionTokens(20).build())
          .choices().getFirst();
      assertThat(choice.message().content()).isPresent();
      assertThat(choice.message().toolCalls().orElse(List.of())).isEmpty();
      assertThat(choice.finishReason()).isIn(ChatCompletion.Choice.FinishReason.STOP, ChatCompletion.Choice.FinishReason.LENGTH);
    }
  }

  /**
   * A Llama 3 answer that is a JSON call is a call: a response format that makes the random model
   * write exactly such an object shows that {@code auto} reads it out of the text, whole and streamed.
   */
  @Test
  void autoReadsACallTheModelWrites() {
    String callShape = """
        {"type":"object","properties":{"name":{"const":"get_time"},"parameters":%s},
         "required":["name","parameters"],"additionalProperties":false}""".formatted(TIME);
    ChatCompletionCreateParams params = request("llama", 4).responseFormat(StructuredOutputsTest.schemaFormat(callShape))
        .maxCompletionTokens(60).build();
    ChatCompletion.Choice whole = client().chat().completions().create(params).choices().getFirst();
    assertThat(whole.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    assertThat(whole.message().content()).isEmpty();
    assertThat(calls(whole)).singleElement().satisfies(c -> {
      assertThat(c.function().name()).isEqualTo("get_time");
      assertValid(c);
    });
    ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
    try (StreamResponse<ChatCompletionChunk> s = client().chat().completions().createStreaming(params)) {
      s.stream().forEach(c -> {
        acc.accumulate(c);
        c.choices().forEach(ch -> assertThat(ch.delta().content().orElse("")).doesNotContain("{"));
      });
    }
    ChatCompletion.Choice streamed = acc.chatCompletion().choices().getFirst();
    assertThat(streamed.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    assertThat(calls(streamed).getFirst().function().arguments()).isEqualTo(calls(whole).getFirst().function().arguments());
  }

  /** {@code auto} with a {@code response_format}: the model either calls or answers in the format. */
  @Test
  void autoWithAResponseFormatGivesACallOrAValidAnswer() {
    String answerSchema = """
        {"type":"object","properties":{"temperature":{"type":"integer"}},"required":["temperature"],"additionalProperties":false}""";
    Schema answerValidator = SchemaRegistry.withDialect(Dialects.getDraft202012()).getSchema(answerSchema);
    int finished = 0;
    for (long seed = 1; seed <= 4; seed++) {
      ChatCompletion.Choice choice = client().chat().completions().create(request("qwen", seed)
          .responseFormat(StructuredOutputsTest.schemaFormat(answerSchema)).parallelToolCalls(false).maxCompletionTokens(150).build())
          .choices().getFirst();
      assertThat(choice.message().content().orElse("")).doesNotContain("<tool");
      if (choice.finishReason().equals(ChatCompletion.Choice.FinishReason.TOOL_CALLS)) {
        calls(choice).forEach(ToolCallingTest::assertValid);
        finished++;
      } else if (choice.finishReason().equals(ChatCompletion.Choice.FinishReason.STOP)) {
        String content = choice.message().content().orElseThrow();
        assertThat(answerValidator.validate(JSON.readTree(content))).as(content).isEmpty();
        finished++;
      }
    }
    assertThat(finished).isGreaterThanOrEqualTo(3);
  }

  @Test
  void streamedCallsAssembleToTheWholeAnswer() {
    for (String model : List.of("qwen", "mistral")) {
      for (long seed = 1; seed <= 3; seed++) {
        ChatCompletionCreateParams params = request(model, seed).toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED)
            .parallelToolCalls(true).maxCompletionTokens(200).build();
        ChatCompletion.Choice whole = client().chat().completions().create(params).choices().getFirst();
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client().chat().completions().createStreaming(params)) {
          s.stream().forEach(c -> chunks.add(acc.accumulate(c)));
        }
        ChatCompletion.Choice streamed = acc.chatCompletion().choices().getFirst();
        assertThat(streamed.finishReason()).as(model + " seed " + seed).isEqualTo(whole.finishReason());
        assertThat(calls(streamed).stream().map(c -> c.function().name() + c.function().arguments()).toList())
            .as(model + " seed " + seed)
            .isEqualTo(calls(whole).stream().map(c -> c.function().name() + c.function().arguments()).toList());
        assertThat(streamed.message().content().orElse("")).isEqualTo(whole.message().content().orElse(""));
        // no markup in content deltas
        assertThat(chunks).allSatisfy(c -> c.choices().forEach(ch -> assertThat(ch.delta().content().orElse(""))
            .doesNotContain("<tool_call>").doesNotContain("[TOOL_CALLS]")));
      }
    }
  }

  @Test
  void toolResultsAreRenderedOnTheNextTurn() {
    for (String model : List.of("qwen", "llama", "mistral")) {
      ChatCompletion first = client().chat().completions().create(request(model, 2).toolChoice(named("get_time")).build());
      ChatCompletion.Choice choice = first.choices().getFirst();
      ChatCompletionMessageFunctionToolCall call = calls(choice).getFirst();
      ChatCompletion second = client().chat().completions().create(request(model, 3)
          .addMessage(choice.message())
          .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("12:00 UTC").build())
          .toolChoice(ChatCompletionToolChoiceOption.Auto.NONE).maxCompletionTokens(5).build());
      ChatCompletion withoutHistory = client().chat().completions().create(request(model, 3)
          .toolChoice(ChatCompletionToolChoiceOption.Auto.NONE).maxCompletionTokens(5).build());
      assertThat(second.usage().orElseThrow().promptTokens()).as(model)
          .isGreaterThan(withoutHistory.usage().orElseThrow().promptTokens() + 5);
      assertThat(second.choices().getFirst().message().toolCalls().orElse(List.of())).isEmpty();
    }
  }

  @Test
  void strictKeywordsThatCannotBeEnforcedAreRefusedByName() {
    String withPattern = """
        {"type":"object","properties":{"zip":{"type":"string","pattern":"^[0-9]{5}$"}},"required":["zip"],"additionalProperties":false}""";
    assertThatThrownBy(() -> client().chat().completions().create(ChatCompletionCreateParams.builder().model("qwen")
        .addUserMessage("x").addTool(tool("get_zip", withPattern, true)).build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.param()).contains("tools[0].function.parameters");
          assertThat(e.getMessage()).contains("pattern").contains("#/properties/zip");
        });
    // without strict the function is accepted: its arguments are then only held to be a JSON object
    ChatCompletion c = client().chat().completions().create(ChatCompletionCreateParams.builder().model("qwen")
        .addUserMessage("x").addTool(tool("get_zip", withPattern, false)).toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED)
        .seed(1L).maxCompletionTokens(60).build());
    assertThat(calls(c.choices().getFirst())).isNotEmpty();
  }

  @Test
  void aCallCutOffBeforeItsNameLeavesNoMarkup() {
    ChatCompletionCreateParams params = request("qwen", 1).toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED)
        .maxCompletionTokens(3).build();
    ChatCompletion.Choice whole = client().chat().completions().create(params).choices().getFirst();
    assertThat(whole.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
    assertThat(whole.message().content().orElse("")).isEmpty();
    StringBuilder streamed = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> s = client().chat().completions().createStreaming(params)) {
      s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(streamed::append)));
    }
    assertThat(streamed.toString()).isEmpty();
  }

  @Test
  void namingAFunctionThatIsNotDeclaredIsRefused() {
    assertThatThrownBy(() -> client().chat().completions().create(request("qwen", 1).toolChoice(named("launch_rocket")).build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.param()).contains("tool_choice.function.name");
          assertThat(e.getMessage()).contains("launch_rocket");
        });
  }
}
