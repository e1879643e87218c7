package dev.hearth.server.completions;

import java.util.List;
import java.util.Map;

/**
 * A validated legacy completion request. Choices are numbered prompt by prompt:
 * {@code index = promptIndex * n + i}, as OpenAI numbers them.
 *
 * @param logprobs alternatives per position (0–5), or null when not requested
 * @param bestOf candidates generated server-side per prompt; the {@code n} most likely are returned
 */
public record LegacyCompletionRequest(
    String model,
    List<CompletionPrompt> prompts,
    String suffix,
    int maxTokens,
    double temperature,
    double topP,
    int n,
    int bestOf,
    List<String> stop,
    boolean stream,
    boolean includeUsage,
    Long seed,
    double presencePenalty,
    double frequencyPenalty,
    Map<Integer, Double> logitBias,
    Integer logprobs,
    boolean echo,
    String user) {

  public LegacyCompletionRequest {
    prompts = List.copyOf(prompts);
    stop = List.copyOf(stop);
    logitBias = Map.copyOf(logitBias);
  }
}
