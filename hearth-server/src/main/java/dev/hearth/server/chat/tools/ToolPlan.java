package dev.hearth.server.chat.tools;

import dev.hearth.engine.grammar.TokenMasker;
import dev.hearth.engine.template.ChatMessage;
import dev.hearth.engine.template.ChatTemplate;
import dev.hearth.engine.template.ToolDefinition;
import dev.hearth.server.generation.LoadedModel;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Function calling for one request on one model: how its template takes the tools and the
 * conversation's earlier calls, the constraint for {@code required}/named choices, and a reader of
 * the output per choice. Built for every chat request with a template, tools declared or not
 * (earlier calls in the conversation still need the template's form).
 *
 * @param request null when the request declares no tools
 */
public record ToolPlan(ToolRequest request, ToolTemplates.Support support) {

  public static ToolPlan of(ToolRequest request, ChatTemplate template, String bos, String eos) {
    return new ToolPlan(request, ToolTemplates.of(template, bos, eos));
  }

  public ToolSyntax syntax() {
    return support.syntax();
  }

  private boolean offersTools() {
    return request != null && request.choice() != ToolRequest.Choice.NONE;
  }

  /** The tools to hand the template (null: none, or the template does not render them). */
  public List<ToolDefinition> templateTools() {
    return offersTools() && support.rendersTools() ? ToolTemplates.definitions(request.functions()) : null;
  }

  /** The conversation as the template should see it. */
  public List<ChatMessage> messages(List<ChatMessage> messages) {
    boolean history = messages.stream().anyMatch(m -> m.toolCalls() != null || m.role().equals("tool"));
    if (offersTools() && !support.rendersTools()) {
      return ToolTemplates.describeTools(messages, request.functions());
    }
    if (history && !support.rendersCalls()) {
      return ToolTemplates.describeTools(messages, List.of());
    }
    return history ? ToolTemplates.templateIds(messages, syntax()) : messages;
  }

  /**
   * The answer format of {@code response_format}: a schema (null with {@code json_object}) and its
   * cache key.
   */
  public record Answer(String key, java.util.Map<String, Object> schema) {}

  /**
   * The constraint: for {@code required} and named choices a call; for {@code auto} with a
   * {@code response_format} ({@code answer} not null) a call or the formatted answer; otherwise
   * null (free output, or the response format alone).
   */
  public TokenMasker masker(LoadedModel model, Answer answer) {
    if (request == null) {
      return null;
    }
    boolean withAnswer = request.choice() == ToolRequest.Choice.AUTO && answer != null;
    if (!request.constrained() && !withAnswer) {
      return null;
    }
    boolean parallel = request.parallel() && request.choice() != ToolRequest.Choice.NAMED;
    List<FunctionTool> callable = request.callable();
    String key = "tools:" + syntax().name() + ":" + parallel + ":" + callable.stream()
        .map(f -> f.name() + "|" + f.strict() + "|" + ToolTemplates.json(f.parameters())).collect(Collectors.joining(";"))
        + (withAnswer ? "|answer:" + answer.key() : "");
    return model.masker(key, () -> withAnswer
        ? ToolCallGrammar.build(syntax(), callable, parallel, answer.schema(), answer.schema() == null)
        : ToolCallGrammar.build(syntax(), callable, parallel));
  }

  /** A reader for one choice's output, or null when calls are not read ({@code tool_choice: none}, no tools). */
  public ToolOutputReader reader() {
    return offersTools()
        ? new ToolOutputReader(syntax(), request.functions().stream().map(FunctionTool::name).collect(Collectors.toSet()),
            request.constrained())
        : null;
  }
}
