package dev.hearth.api.completions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.hearth.api.chat.CompletionUsage;
import java.util.List;
import java.util.Map;

/**
 * The spec's {@code CreateCompletionResponse} ({@code object: "text_completion"}); streamed
 * chunks have the same shape.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Completion(
    String id,
    String object,
    long created,
    String model,
    List<Choice> choices,
    @JsonProperty("system_fingerprint") String systemFingerprint,
    CompletionUsage usage) {

  public static final String OBJECT = "text_completion";

  public record Choice(
      String text,
      int index,
      @JsonInclude(JsonInclude.Include.ALWAYS) Logprobs logprobs,
      @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("finish_reason") String finishReason) {}

  /** The legacy log-probability layout: parallel arrays per generated (or echoed) token. */
  public record Logprobs(
      List<String> tokens,
      @JsonProperty("token_logprobs") List<Double> tokenLogprobs,
      @JsonProperty("top_logprobs") List<Map<String, Double>> topLogprobs,
      @JsonProperty("text_offset") List<Integer> textOffset) {}
}
