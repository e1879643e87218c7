package dev.hearth.server.chat.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.api.chat.ChatCompletionChunk.ToolCallDelta;
import dev.hearth.api.chat.ChatCompletionMessage;
import dev.hearth.engine.grammar.GrammarMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The call syntaxes read whole answers and answers arriving a character at a time alike: calls
 * become tool calls, markup never reaches the content, and text that only looked like a call
 * start is given back as content.
 */
class ToolOutputReaderTest {
  private static final HermesSyntax HERMES = new HermesSyntax();
  private static final Llama3JsonSyntax LLAMA = new Llama3JsonSyntax();
  private static final MistralSyntax MISTRAL = new MistralSyntax(false);
  private static final MistralSyntax MISTRAL_ARGS = new MistralSyntax(true);

  private static final java.util.Set<String> NAMES = java.util.Set.of("get_weather", "get_time", "search", "f", "g");

  record Read(String content, List<String> calls) {}

  /** Reads {@code text} whole, and again piece by piece, assembling deltas the way the SDKs do. */
  private static Read read(ToolSyntax syntax, String text, int pieceLength) {
    ToolOutputReader whole = new ToolOutputReader(syntax, NAMES);
    whole.accept(text);
    whole.finish();
    Read expected = new Read(whole.content(), whole.toolCalls().stream()
        .map(c -> c.function().name() + " " + c.function().arguments()).toList());

    ToolOutputReader streamed = new ToolOutputReader(syntax, NAMES);
    StringBuilder content = new StringBuilder();
    List<StringBuilder> args = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<ToolOutputReader.Update> updates = new ArrayList<>();
    for (int i = 0; i < text.length(); i += pieceLength) {
      updates.add(streamed.accept(text.substring(i, Math.min(text.length(), i + pieceLength))));
    }
    updates.add(streamed.finish());
    for (ToolOutputReader.Update u : updates) {
      content.append(u.content());
      for (ToolCallDelta d : u.toolCalls()) {
        if (d.id() != null) {
          assertThat(d.index()).isEqualTo(names.size());
          assertThat(d.id()).startsWith("call_");
          assertThat(d.type()).isEqualTo("function");
          names.add(d.function().name());
          args.add(new StringBuilder(d.function().arguments()));
        } else {
          assertThat(d.function().name()).isNull();
          args.get(d.index()).append(d.function().arguments());
        }
      }
    }
    List<String> calls = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      calls.add(names.get(i) + " " + args.get(i));
    }
    String streamedContent = names.isEmpty() || !content.toString().isBlank() ? content.toString() : null;
    assertThat(new Read(streamedContent, calls)).as("streamed in pieces of " + pieceLength).isEqualTo(expected);
    return expected;
  }

  private static Read read(ToolSyntax syntax, String text) {
    Read r = read(syntax, text, 1);
    read(syntax, text, 3);
    return r;
  }

  @Test
  void hermesCallsAfterTextBecomeToolCalls() {
    Read r = read(HERMES, "Let me look.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n"
        + "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>");
    assertThat(r.calls()).containsExactly("get_weather {\"city\": \"Paris\"}", "get_time {}");
    assertThat(r.content()).isEqualTo("Let me look.\n");
  }

  @Test
  void hermesArgumentsWithBracesInStringsAndEitherKeyOrder() {
    Read r = read(HERMES, "<tool_call>{\"arguments\": {\"q\": \"a}b\\\"{\"}, \"name\": \"search\"}</tool_call>");
    assertThat(r.calls()).containsExactly("search {\"q\": \"a}b\\\"{\"}");
    assertThat(r.content()).isNull();
  }

  @Test
  void textThatOnlyLooksLikeACallStartIsContent() {
    assertThat(read(HERMES, "a < b and <tool is fine <tool_").content()).isEqualTo("a < b and <tool is fine <tool_");
    assertThat(read(HERMES, "<tool_call> not json").content()).isEqualTo("<tool_call> not json");
    assertThat(read(LLAMA, "{\"answer\": 42}").content()).isEqualTo("{\"answer\": 42}");
    assertThat(read(LLAMA, "The {\"name\" key").content()).isEqualTo("The {\"name\" key");
    assertThat(read(MISTRAL, "[1, 2]").content()).isEqualTo("[1, 2]");
    assertThat(read(HERMES, "plain answer").calls()).isEmpty();
    // JSON with a "name" that is not a declared function is an answer, not a call
    assertThat(read(LLAMA, "{\"name\": \"Bob\", \"age\": 3}").content()).isEqualTo("{\"name\": \"Bob\", \"age\": 3}");
    assertThat(read(HERMES, "<tool_call>{\"name\": \"rm_rf\", \"arguments\": {}}</tool_call>").calls()).isEmpty();
  }

  @Test
  void llamaJsonCall() {
    Read r = read(LLAMA, " {\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\", \"days\": 3}}");
    assertThat(r.calls()).containsExactly("get_weather {\"city\": \"Oslo\", \"days\": 3}");
    assertThat(r.content()).isNull();
    assertThat(read(LLAMA, "<|python_tag|>{\"name\": \"f\", \"parameters\": {}}; {\"name\": \"g\", \"parameters\": {\"x\": 1}}").calls())
        .containsExactly("f {}", "g {\"x\": 1}");
  }

  @Test
  void mistralArrayAndBracketedForms() {
    assertThat(read(MISTRAL, "[TOOL_CALLS][{\"name\": \"f\", \"arguments\": {\"a\": [1, {\"b\": null}]}}, {\"name\": \"g\", \"arguments\": {}}]").calls())
        .containsExactly("f {\"a\": [1, {\"b\": null}]}", "g {}");
    // [TOOL_CALLS] is a control token the detokenizer drops: a bare array of calls counts too
    assertThat(read(MISTRAL, "[{\"name\": \"f\", \"arguments\": {\"a\": 1}}]").calls()).containsExactly("f {\"a\": 1}");
    assertThat(read(MISTRAL_ARGS, "[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Rome\"}[TOOL_CALLS]f[CALL_ID]abcdefghi[ARGS]{}").calls())
        .containsExactly("get_weather {\"city\": \"Rome\"}", "f {}");
    // [TOOL_CALLS] and [ARGS] are control tokens the detokenizer drops: a name right before JSON counts
    assertThat(read(MISTRAL_ARGS, "get_weather{\"city\": \"Rome\"}").calls()).containsExactly("get_weather {\"city\": \"Rome\"}");
    assertThat(read(MISTRAL_ARGS, "Hello world").content()).isEqualTo("Hello world");
    assertThat(read(MISTRAL_ARGS, "get_weather is a tool").content()).isEqualTo("get_weather is a tool");
    assertThat(read(MISTRAL_ARGS, "{\"a\": 1}").content()).isEqualTo("{\"a\": 1}");
  }

  @Test
  void aCutOffCallKeepsItsArgumentsSoFar() {
    Read r = read(HERMES, "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"city\": \"Par");
    assertThat(r.calls()).containsExactly("f {\"city\": \"Par");
    Read next = read(HERMES, "<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>\n<tool_c");
    assertThat(next.calls()).containsExactly("f {}");
    assertThat(next.content()).isNull();
  }

  @Test
  void mistralIdsAreMappedToNineAlphanumerics() {
    assertThat(MISTRAL.templateCallId("abcdefghi")).isEqualTo("abcdefghi");
    String mapped = MISTRAL.templateCallId("call_Xy12_long-id");
    assertThat(mapped).matches("[a-zA-Z0-9]{9}").isEqualTo(MISTRAL.templateCallId("call_Xy12_long-id"));
    assertThat(HERMES.templateCallId("call_1")).isEqualTo("call_1");
  }

  @Test
  void theGrammarOfEverySyntaxProducesWhatItsReaderReads() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("type", "object");
    params.put("properties", Map.of("n", Map.of("type", "integer")));
    params.put("required", List.of("n"));
    params.put("additionalProperties", false);
    List<FunctionTool> fns = List.of(new FunctionTool("f", null, params, true), new FunctionTool("g", null, null, false));
    for (ToolSyntax syntax : List.of(HERMES, LLAMA, MISTRAL, MISTRAL_ARGS)) {
      GrammarMatcher m = new GrammarMatcher(ToolCallGrammar.build(syntax, fns, true));
      String one = syntax.open() + syntax.callPrefix("f") + "{\"n\":7}" + syntax.callSuffix() + syntax.close();
      String two = syntax.open() + syntax.callPrefix("f") + "{\"n\":7}" + syntax.callSuffix() + syntax.separator()
          + syntax.callPrefix("g") + "{\"k\":[true]}" + syntax.callSuffix() + syntax.close();
      assertThat(m.matches(one)).as(syntax.name() + ": " + one).isTrue();
      assertThat(m.matches(syntax.open() + syntax.callPrefix("f") + "{\"n\":\"x\"}" + syntax.callSuffix() + syntax.close()))
          .as(syntax.name()).isFalse();
      assertThat(m.matches(two)).as(syntax.name() + ": " + two).isEqualTo(syntax.parallel());
      assertThat(read(syntax, one).calls()).as(syntax.name()).containsExactly("f {\"n\":7}");
      if (syntax.parallel()) {
        assertThat(read(syntax, two).calls()).as(syntax.name()).containsExactly("f {\"n\":7}", "g {\"k\":[true]}");
      }
      GrammarMatcher single = new GrammarMatcher(ToolCallGrammar.build(syntax, fns, false));
      assertThat(single.matches(two)).as(syntax.name()).isFalse();
    }
  }

  @Test
  void toolCallsCarryIdsAndTheFunctionType() {
    ToolOutputReader r = new ToolOutputReader(HERMES, NAMES);
    r.accept("<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>");
    r.finish();
    ChatCompletionMessage.ToolCall call = r.toolCalls().getFirst();
    assertThat(call.id()).startsWith("call_");
    assertThat(call.type()).isEqualTo("function");
    assertThat(r.toolCalls().getFirst().id()).isEqualTo(call.id());
  }
}
