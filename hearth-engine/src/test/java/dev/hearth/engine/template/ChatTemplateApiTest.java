package dev.hearth.engine.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The public API: the context transformers builds, and how records become template dicts. */
class ChatTemplateApiTest {

  @Test
  void contextMatchesApplyChatTemplate() {
    ChatTemplate t = ChatTemplate.compile("{{ tools is defined }}{{ tools is none }}{{ documents is none }}{{ add_generation_prompt }}"
        + "|{{ bos_token is defined }}{{ eos_token }}|{{ enable_thinking }}");
    assertThat(t.render(ChatTemplateInput.builder().eosToken("</s>").kwarg("enable_thinking", false).build()))
        .isEqualTo("TrueTrueTrueFalse|False</s>|False");
  }

  @Test
  void messagesOnlyCarryTheKeysThatAreSet() {
    ChatTemplate t = ChatTemplate.compile("{% for m in messages %}{{ m.role }}:{{ m.tool_calls is defined }},{{ m.name is defined }},"
        + "{{ m.content is none }},{{ m.tool_call_id }},{{ m.reasoning_content }},{{ m.thinking }};{% endfor %}");
    String out = t.render(ChatTemplateInput.builder().messages(
        ChatMessage.user("u").withName("bob"),
        ChatMessage.assistant(null, List.of(ToolCall.ofJson("1", "f", "{}"))).withReasoning("r").with("thinking", "t"),
        ChatMessage.tool("1", "x")).build());
    assertThat(out).isEqualTo("user:False,True,False,,,;assistant:True,False,True,,r,t;tool:False,False,False,1,,;");
  }

  @Test
  void toolCallsAndDefinitionsHaveTheOpenAiShape() {
    ChatTemplate t = ChatTemplate.compile("{{ messages[0].tool_calls|tojson }}|{{ tools|tojson }}|{{ messages[1].content|tojson }}");
    String out = t.render(ChatTemplateInput.builder()
        .messages(ChatMessage.assistant(null, List.of(ToolCall.ofJson("c1", "f", "{\"a\": [1, 2.5, null, true]}"),
            ToolCall.ofJson("c2", "g", "not json"))), ChatMessage.user(List.of(ContentPart.text("hi"), ContentPart.image())))
        .tools(List.of(new ToolDefinition("f", null, Map.of("type", "object"))))
        .build());
    assertThat(out).isEqualTo("[{\"id\": \"c1\", \"type\": \"function\", \"function\": {\"name\": \"f\", \"arguments\": {\"a\": [1, 2.5, null, true]}}}, "
        + "{\"id\": \"c2\", \"type\": \"function\", \"function\": {\"name\": \"g\", \"arguments\": \"not json\"}}]"
        + "|[{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": {\"type\": \"object\"}}}]"
        + "|[{\"type\": \"text\", \"text\": \"hi\"}, {\"type\": \"image\"}]");
  }

  @Test
  void jsonRoundTrip() {
    String text = "{\"b\": [1, -2.5e-07, \"\\u00e9\\n\", null, false], \"a\": {}}";
    assertThat(Json.dumps(Json.parse(text))).isEqualTo("{\"b\": [1, -2.5e-07, \"é\\n\", null, false], \"a\": {}}");
  }

  @Test
  void aCompiledTemplateIsSharedSafelyAcrossThreads() throws Exception {
    ChatTemplate t = ChatTemplate.compile("{% set ns = namespace(n=0) %}{% for m in messages %}{% set ns.n = ns.n + 1 %}"
        + "{{ m.content }}{% endfor %}{{ ns.n }}");
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        String word = "w" + i;
        results.add(pool.submit(() -> t.render(ChatTemplateInput.builder().messages(ChatMessage.user(word), ChatMessage.user("!")).build())));
      }
      for (int i = 0; i < 64; i++) assertThat(results.get(i).get()).isEqualTo("w" + i + "!2");
    }
  }
}
