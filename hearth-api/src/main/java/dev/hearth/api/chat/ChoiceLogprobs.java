package dev.hearth.api.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A choice's log-probabilities: {@code content} and {@code refusal}, both required (nullable). */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ChoiceLogprobs(List<TokenLogprob> content, List<TokenLogprob> refusal) {

  /** The spec's {@code ChatCompletionTokenLogprob}. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record TokenLogprob(String token, double logprob, int[] bytes,
      @com.fasterxml.jackson.annotation.JsonProperty("top_logprobs") List<TopLogprob> topLogprobs) {}

  /** One alternative at a position. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record TopLogprob(String token, double logprob, int[] bytes) {}
}
