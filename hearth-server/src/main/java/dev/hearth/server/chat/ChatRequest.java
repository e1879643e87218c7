package dev.hearth.server.chat;

import java.util.List;
import java.util.Map;

/**
 * A validated chat completion request, in the terms the engine needs: plain-text messages in the
 * model template's roles, sampling settings with their defaults applied, and the options that
 * shape the response. Built only by {@link ChatRequestValidator}.
 *
 * @param maxTokens the client's cap on generated tokens, or null for "up to the context"
 * @param seed null for a fresh random seed
 * @param logitBias token id to bias (-100 bans, 100 forces)
 * @param topLogprobs alternatives per position; only meaningful with {@code logprobs}
 * @param reasoningEffort null when not given; {@code none}/{@code minimal} turn a thinking model's reasoning off
 * @param responseFormat null for free text; otherwise the output is constrained to JSON
 * @param tools null when the request declares no tools
 */
public record ChatRequest(
    String model,
    List<PromptMessage> messages,
    Integer maxTokens,
    double temperature,
    double topP,
    int n,
    List<String> stop,
    boolean stream,
    boolean includeUsage,
    Long seed,
    double presencePenalty,
    double frequencyPenalty,
    Map<Integer, Double> logitBias,
    boolean logprobs,
    int topLogprobs,
    String user,
    Map<String, String> metadata,
    boolean store,
    String reasoningEffort,
    String serviceTier,
    ResponseFormat responseFormat,
    dev.hearth.server.chat.tools.ToolRequest tools) {

  public ChatRequest {
    messages = List.copyOf(messages);
    stop = List.copyOf(stop);
    logitBias = Map.copyOf(logitBias);
    metadata = Map.copyOf(metadata);
  }

  /**
   * Constrained output: {@code json_object} (any JSON object, {@code schema} null) or
   * {@code json_schema} with its {@code schema} as a plain map tree and as JSON text (the cache key).
   */
  public record ResponseFormat(String type, String name, java.util.Map<String, Object> schema, String schemaJson) {}

  /** A message's role as chat templates know it; {@code developer} is the template's system role. */
  public enum Role {
    SYSTEM("system"), USER("user"), ASSISTANT("assistant"), TOOL("tool");

    private final String templateName;

    Role(String templateName) {
      this.templateName = templateName;
    }

    public String templateName() {
      return templateName;
    }
  }

  /** An earlier tool call of the assistant, kept so the template can render the conversation. */
  public record ToolCall(String id, String name, String arguments) {}

  /** One message of the conversation, its content flattened to text. */
  public record PromptMessage(Role role, String content, String name, List<ToolCall> toolCalls, String toolCallId) {
    public PromptMessage {
      toolCalls = List.copyOf(toolCalls);
    }
  }
}
