package dev.hearth.api.chat;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One request message: the union of the spec's {@code ChatCompletionRequestMessage} variants
 * (developer, system, user, assistant, tool, and the deprecated function role). {@code content}
 * is a string or an array of content parts, so it stays a JSON tree until validated.
 */
public record ChatMessageParam(
    String role,
    JsonNode content,
    String name,
    String refusal,
    @JsonProperty("tool_calls") List<ToolCallParam> toolCalls,
    @JsonProperty("tool_call_id") String toolCallId,
    @JsonProperty("function_call") FunctionCallParam functionCall,
    JsonNode audio) {

  /** An assistant message's earlier tool call, as sent back by the client. */
  public record ToolCallParam(String id, String type, FunctionCallParam function, JsonNode custom) {}

  /** A function name and its JSON-encoded arguments. */
  public record FunctionCallParam(String name, String arguments) {}
}
