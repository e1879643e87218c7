package dev.hearth.api.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The spec's {@code CreateChatCompletionResponse} ({@code object: "chat.completion"}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletion(
    String id,
    String object,
    long created,
    String model,
    List<Choice> choices,
    CompletionUsage usage,
    @JsonProperty("system_fingerprint") String systemFingerprint,
    @JsonProperty("service_tier") String serviceTier,
    Map<String, String> metadata) {

  public static final String OBJECT = "chat.completion";

  /** One choice; {@code logprobs} is written as null when not requested, as the spec requires. */
  public record Choice(
      int index,
      ChatCompletionMessage message,
      @JsonInclude(JsonInclude.Include.ALWAYS) ChoiceLogprobs logprobs,
      @JsonProperty("finish_reason") String finishReason) {}
}
