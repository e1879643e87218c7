package dev.hearth.api.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The spec's {@code ChatCompletionResponseMessage}: {@code content} and {@code refusal} are always written. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionMessage(
    String role,
    @JsonInclude(JsonInclude.Include.ALWAYS) String content,
    @JsonInclude(JsonInclude.Include.ALWAYS) String refusal,
    @JsonProperty("tool_calls") List<ToolCall> toolCalls,
    @JsonProperty("reasoning_content") String reasoningContent) {

  public static ChatCompletionMessage assistant(String content) {
    return new ChatCompletionMessage("assistant", content, null, null, null);
  }

  /** The spec's {@code ChatCompletionMessageToolCall} (function type). */
  public record ToolCall(String id, String type, Function function) {}

  /** A called function's name and its JSON-encoded arguments (a streamed fragment leaves out what it lacks). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Function(String name, String arguments) {}
}
