package dev.hearth.server.chat.tools;

import dev.hearth.engine.template.ChatMessage;
import dev.hearth.engine.template.ChatTemplate;
import dev.hearth.engine.template.ChatTemplateInput;
import dev.hearth.engine.template.Json;
import dev.hearth.engine.template.ToolCall;
import dev.hearth.engine.template.ToolDefinition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What a chat template does with tools, found once per template by rendering a probe conversation
 * (a declared tool, an assistant call and its result): the call syntax it teaches the model
 * ({@code <tool_call>} → Hermes, {@code [TOOL_CALLS]} → Mistral, {@code "parameters"} JSON →
 * Llama 3) and whether it renders the tools at all. For a template that ignores tools, Hearth
 * describes them in the system prompt in the Hermes syntax and renders earlier calls and results
 * as text, so the model still sees them.
 */
public final class ToolTemplates {
  private static final String PROBE = "hearth_probe_function";
  private static final String PROBE_DESCRIPTION = "Hearth probes the template with this tool.";
  private static final String PROBE_ID = "abcDEF123";
  private static final Map<ChatTemplate, Support> CACHE = Collections.synchronizedMap(new WeakHashMap<>());

  private ToolTemplates() {}

  /**
   * @param syntax how the model writes calls
   * @param rendersTools the template puts the declared tools in the prompt
   * @param rendersCalls the template renders assistant calls and tool results
   */
  public record Support(ToolSyntax syntax, boolean rendersTools, boolean rendersCalls) {}

  public static Support of(ChatTemplate template, String bos, String eos) {
    return CACHE.computeIfAbsent(template, t -> probe(t, bos, eos));
  }

  private static Support probe(ChatTemplate template, String bos, String eos) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("type", "object");
    params.put("properties", Map.of("probe_arg", Map.of("type", "string")));
    List<ToolDefinition> tools = List.of(new ToolDefinition(PROBE, PROBE_DESCRIPTION, params));
    String withTools = tryRender(template, List.of(ChatMessage.user("hi")), tools, bos, eos);
    boolean rendersTools = withTools != null && withTools.contains(PROBE_DESCRIPTION);
    String conversation = tryRender(template, List.of(ChatMessage.user("hi"),
        ChatMessage.assistant(null, List.of(ToolCall.of(PROBE_ID, PROBE, Map.of("probe_arg", "probe_value")))),
        ChatMessage.tool(PROBE_ID, "probe_result")), tools, bos, eos);
    boolean rendersCalls = conversation != null && conversation.contains("probe_value") && conversation.contains("probe_result");
    String seen = (withTools == null ? "" : withTools) + (conversation == null ? "" : conversation);
    ToolSyntax syntax;
    if (seen.contains(MistralSyntax.MARKER) || seen.contains("[AVAILABLE_TOOLS]")) {
      syntax = new MistralSyntax(seen.contains("[ARGS]"));
    } else if (seen.contains(HermesSyntax.OPEN)) {
      syntax = new HermesSyntax();
    } else if (seen.contains("\"name\": \"" + PROBE + "\", \"parameters\"")) {
      syntax = new Llama3JsonSyntax();
    } else {
      syntax = new HermesSyntax();
    }
    return new Support(syntax, rendersTools, rendersCalls);
  }

  private static String tryRender(ChatTemplate template, List<ChatMessage> messages, List<ToolDefinition> tools, String bos,
      String eos) {
    try {
      return template.render(new ChatTemplateInput(messages, tools, true, bos, eos, Map.of()));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The tools as the template gets them (OpenAI's shape, which Hugging Face templates read). */
  public static List<ToolDefinition> definitions(List<FunctionTool> functions) {
    return functions.stream().map(f -> new ToolDefinition(f.name(), f.description(), f.parameters())).toList();
  }

  /**
   * Messages for a template that does not render tools: the tools described in the system
   * message, earlier calls written in the Hermes syntax, tool results as {@code <tool_response>}.
   */
  public static List<ChatMessage> describeTools(List<ChatMessage> messages, List<FunctionTool> functions) {
    List<ChatMessage> out = new ArrayList<>();
    StringBuilder system = new StringBuilder();
    if (functions != null && !functions.isEmpty()) {
      system.append("# Tools\n\nYou may call one or more functions to assist with the user query.\n\n")
          .append("You are provided with function signatures within <tools></tools> XML tags:\n<tools>");
      for (ToolDefinition d : definitions(functions)) {
        system.append('\n').append(Json.dumps(d.toTemplateValue()));
      }
      system.append("\n</tools>\n\nFor each function call, return a json object with function name and arguments within"
          + " <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n"
          + "</tool_call>");
    }
    int first = 0;
    if (!messages.isEmpty() && messages.getFirst().role().equals("system")) {
      String existing = messages.getFirst().content() == null ? "" : messages.getFirst().content();
      out.add(ChatMessage.system(system.isEmpty() ? existing : existing + "\n\n" + system));
      first = 1;
    } else if (!system.isEmpty()) {
      out.add(ChatMessage.system(system.toString()));
    }
    for (int i = first; i < messages.size(); i++) {
      ChatMessage m = messages.get(i);
      if (m.toolCalls() != null && !m.toolCalls().isEmpty()) {
        StringBuilder text = new StringBuilder(m.content() == null ? "" : m.content());
        for (ToolCall c : m.toolCalls()) {
          if (!text.isEmpty()) {
            text.append('\n');
          }
          Map<String, Object> call = new LinkedHashMap<>();
          call.put("name", c.name());
          call.put("arguments", c.arguments() == null ? Map.of() : c.arguments());
          text.append(HermesSyntax.OPEN).append('\n').append(Json.dumps(call)).append('\n').append(HermesSyntax.CLOSE);
        }
        out.add(new ChatMessage(m.role(), text.toString(), null, m.name(), null, null, m.reasoningContent(), null));
      } else if (m.role().equals("tool")) {
        out.add(new ChatMessage("tool", "<tool_response>\n" + (m.content() == null ? "" : m.content()) + "\n</tool_response>",
            null, m.name(), null, m.toolCallId(), null, null));
      } else {
        out.add(m);
      }
    }
    return out;
  }

  /** The conversation with call ids as the syntax's template wants them. */
  public static List<ChatMessage> templateIds(List<ChatMessage> messages, ToolSyntax syntax) {
    List<ChatMessage> out = new ArrayList<>(messages.size());
    for (ChatMessage m : messages) {
      List<ToolCall> calls = m.toolCalls() == null ? null
          : m.toolCalls().stream().map(c -> new ToolCall(c.id() == null ? null : syntax.templateCallId(c.id()), c.name(),
              c.arguments())).toList();
      String callId = m.toolCallId() == null ? null : syntax.templateCallId(m.toolCallId());
      out.add(new ChatMessage(m.role(), m.content(), m.parts(), m.name(), calls, callId, m.reasoningContent(), m.extra()));
    }
    return out;
  }

  /** Compact JSON of a plain tree (cache keys). */
  static String json(Object tree) {
    return Json.dumps(tree);
  }
}
