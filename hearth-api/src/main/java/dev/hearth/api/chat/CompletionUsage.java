package dev.hearth.api.chat;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The spec's {@code CompletionUsage}, with the details objects the SDKs read. */
public record CompletionUsage(
    @JsonProperty("prompt_tokens") int promptTokens,
    @JsonProperty("completion_tokens") int completionTokens,
    @JsonProperty("total_tokens") int totalTokens,
    @JsonProperty("prompt_tokens_details") PromptTokensDetails promptTokensDetails,
    @JsonProperty("completion_tokens_details") CompletionTokensDetails completionTokensDetails) {

  public static CompletionUsage of(int prompt, int completion, int cached, int reasoning) {
    return new CompletionUsage(prompt, completion, prompt + completion,
        new PromptTokensDetails(cached, 0), new CompletionTokensDetails(reasoning, 0, 0, 0));
  }

  public record PromptTokensDetails(
      @JsonProperty("cached_tokens") int cachedTokens, @JsonProperty("audio_tokens") int audioTokens) {}

  public record CompletionTokensDetails(
      @JsonProperty("reasoning_tokens") int reasoningTokens,
      @JsonProperty("audio_tokens") int audioTokens,
      @JsonProperty("accepted_prediction_tokens") int acceptedPredictionTokens,
      @JsonProperty("rejected_prediction_tokens") int rejectedPredictionTokens) {}
}
