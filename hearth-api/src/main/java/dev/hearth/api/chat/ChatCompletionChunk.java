package dev.hearth.api.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The spec's {@code CreateChatCompletionStreamResponse} ({@code object: "chat.completion.chunk"}).
 * With {@code stream_options.include_usage} every chunk carries {@code usage: null} but the last,
 * which has the usage and no choices; otherwise {@code usage} is left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionChunk(
    String id,
    String object,
    long created,
    String model,
    List<ChunkChoice> choices,
    @JsonProperty("system_fingerprint") String systemFingerprint,
    @JsonProperty("service_tier") String serviceTier,
    @JsonInclude(JsonInclude.Include.CUSTOM) CompletionUsage usage) {

  public static final String OBJECT = "chat.completion.chunk";

  /** A streamed choice: {@code finish_reason} is null until the last chunk of the choice. */
  public record ChunkChoice(
      int index,
      Delta delta,
      @JsonInclude(JsonInclude.Include.NON_NULL) ChoiceLogprobs logprobs,
      @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("finish_reason") String finishReason) {}

  /** The spec's {@code ChatCompletionStreamResponseDelta}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Delta(String role, String content, String refusal,
      @JsonProperty("tool_calls") List<ToolCallDelta> toolCalls,
      @JsonProperty("reasoning_content") String reasoningContent) {}

  /** The spec's {@code ChatCompletionMessageToolCallChunk}: id and name first, then argument fragments. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ToolCallDelta(int index, String id, String type, ChatCompletionMessage.Function function) {}
}
