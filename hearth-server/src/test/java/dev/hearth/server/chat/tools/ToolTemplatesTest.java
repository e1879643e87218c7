package dev.hearth.server.chat.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.engine.template.ChatMessage;
import dev.hearth.engine.template.ChatTemplate;
import dev.hearth.engine.template.ChatTemplateInput;
import dev.hearth.engine.template.ToolCall;
import dev.hearth.engine.tinymodel.TinyVocabulary;
import dev.hearth.server.testing.LlmFixtures;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each published template is recognised by what it renders, and a conversation with tools, an
 * assistant's call and the tool's result is rendered the way the template expects it.
 */
class ToolTemplatesTest {
  private static ChatTemplate template(String file) throws Exception {
    return ChatTemplate.compile(Files.readString(LlmFixtures.require("chat-templates/" + file)));
  }

  private static ToolPlan plan(ChatTemplate t, ToolRequest.Choice choice) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("type", "object");
    params.put("properties", Map.of("city", Map.of("type", "string")));
    ToolRequest request = new ToolRequest(List.of(new FunctionTool("get_weather", "Weather of a city.", params, false)), choice,
        null, true);
    return ToolPlan.of(request, t, "<s>", "</s>");
  }

  private static String render(ChatTemplate t, ToolPlan plan) {
    List<ChatMessage> messages = List.of(ChatMessage.user("Weather in Paris?"),
        ChatMessage.assistant(null, List.of(ToolCall.ofJson("call_Q3x9Lw0Pzz12", "get_weather", "{\"city\": \"Paris\"}"))),
        ChatMessage.tool("call_Q3x9Lw0Pzz12", "22 degrees"));
    return t.render(new ChatTemplateInput(plan.messages(messages), plan.templateTools(), true, "<s>", "</s>", Map.of()));
  }

  @Test
  void syntaxesAreRecognisedFromTheTemplates() throws Exception {
    Map<String, String> expected = Map.of(
        "Qwen-Qwen2.5-7B-Instruct.jinja", "hermes",
        "Qwen-Qwen3-0.6B.jinja", "hermes",
        "NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja", "hermes",
        "meta-llama-Llama-3.1-8B-Instruct.jinja", "llama3-json",
        "meta-llama-Llama-3.2-3B-Instruct.jinja", "llama3-json",
        "mistralai-Mistral-Nemo-Instruct-2407.jinja", "mistral",
        "Mistral-Small-3.2-24B-Instruct-2506.jinja", "mistral-args");
    for (var e : expected.entrySet()) {
      ToolTemplates.Support s = ToolTemplates.of(template(e.getKey()), "<s>", "</s>");
      assertThat(s.syntax().name()).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(s.rendersTools()).as(e.getKey()).isTrue();
    }
    ToolTemplates.Support builtIn = ToolTemplates.of(ChatTemplate.compile(TinyVocabulary.BUILT_IN_CHAT_TEMPLATE), "<s>", "</s>");
    assertThat(builtIn.rendersTools()).isFalse();
    assertThat(builtIn.syntax().name()).isEqualTo("hermes");
  }

  @Test
  void qwenRendersToolsCallsAndResults() throws Exception {
    ChatTemplate t = template("Qwen-Qwen2.5-7B-Instruct.jinja");
    String prompt = render(t, plan(t, ToolRequest.Choice.AUTO));
    assertThat(prompt).contains("<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"")
        .contains("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>")
        .contains("<tool_response>\n22 degrees\n</tool_response>");
    assertThat(render(t, plan(t, ToolRequest.Choice.NONE))).doesNotContain("<tools>");
  }

  @Test
  void mistralGetsNineCharacterIds() throws Exception {
    for (String file : List.of("mistralai-Mistral-Nemo-Instruct-2407.jinja", "Mistral-Small-3.2-24B-Instruct-2506.jinja")) {
      ChatTemplate t = template(file);
      String id = new MistralSyntax(false).templateCallId("call_Q3x9Lw0Pzz12");
      String prompt = render(t, plan(t, ToolRequest.Choice.AUTO));
      assertThat(prompt).as(file).contains("[TOOL_CALLS]").contains(id).contains("22 degrees").contains("[AVAILABLE_TOOLS]");
    }
  }

  @Test
  void aTemplateWithoutToolsGetsThemInTheSystemPrompt() {
    ChatTemplate t = ChatTemplate.compile(TinyVocabulary.BUILT_IN_CHAT_TEMPLATE);
    String prompt = render(t, plan(t, ToolRequest.Choice.AUTO));
    assertThat(prompt).contains("system").contains("<tools>").contains("\"name\": \"get_weather\"")
        .contains("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>")
        .contains("<tool_response>\n22 degrees\n</tool_response>");
  }
}
