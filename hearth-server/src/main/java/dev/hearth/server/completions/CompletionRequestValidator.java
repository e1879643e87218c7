package dev.hearth.server.completions;

import dev.hearth.api.completions.CompletionRequest;
import dev.hearth.server.generation.GenerationParams;
import dev.hearth.server.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Checks a legacy {@code CreateCompletionRequest} and builds a {@link LegacyCompletionRequest}.
 * {@code prompt} may be a string, an array of strings, an array of token ids or an array of
 * token-id arrays; every rejection names the parameter. Whether {@code suffix} can be honoured
 * depends on the model (fill-in-the-middle tokens) and is checked when the model is known.
 */
public final class CompletionRequestValidator {
  static final int MAX_PROMPTS = 2048;
  private static final int DEFAULT_MAX_TOKENS = 16;

  private CompletionRequestValidator() {}

  public static LegacyCompletionRequest validate(CompletionRequest r) {
    if (r.model() == null || r.model().isBlank()) {
      throw ApiException.missingParameter("model");
    }
    List<CompletionPrompt> prompts = prompts(r.prompt());
    int n = (int) GenerationParams.range(r.n() == null ? null : r.n().doubleValue(), 1, 1, 128, "n");
    int bestOf = (int) GenerationParams.range(r.bestOf() == null ? null : r.bestOf().doubleValue(), n, 1, 20, "best_of");
    if (bestOf < n) {
      throw ApiException.invalidRequest("best_of", "'best_of' (" + bestOf + ") must be at least 'n' (" + n + ").", "invalid_value");
    }
    boolean stream = Boolean.TRUE.equals(r.stream());
    if (stream && bestOf > n) {
      throw ApiException.invalidRequest("best_of", "'best_of' greater than 'n' cannot be streamed.", "invalid_value");
    }
    if (r.streamOptions() != null && !stream) {
      throw ApiException.invalidRequest("stream_options", "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
    }
    int maxTokens = r.maxTokens() == null ? DEFAULT_MAX_TOKENS : r.maxTokens();
    if (maxTokens < 0) {
      throw ApiException.invalidRequest("max_tokens", "Invalid 'max_tokens': " + maxTokens + " is less than the minimum of 0.",
          "invalid_value");
    }
    Integer logprobs = r.logprobs() == null ? null
        : (int) GenerationParams.range(r.logprobs().doubleValue(), 0, 0, 5, "logprobs");
    return new LegacyCompletionRequest(
        r.model(), prompts, r.suffix(), maxTokens,
        GenerationParams.range(r.temperature(), 1.0, 0, 2, "temperature"),
        GenerationParams.range(r.topP(), 1.0, 0, 1, "top_p"),
        n, bestOf, GenerationParams.stop(r.stop()), stream,
        r.streamOptions() != null && Boolean.TRUE.equals(r.streamOptions().includeUsage()), r.seed(),
        GenerationParams.range(r.presencePenalty(), 0, -2, 2, "presence_penalty"),
        GenerationParams.range(r.frequencyPenalty(), 0, -2, 2, "frequency_penalty"),
        GenerationParams.logitBias(r.logitBias()), logprobs, Boolean.TRUE.equals(r.echo()), r.user());
  }

  private static List<CompletionPrompt> prompts(JsonNode prompt) {
    if (prompt == null || prompt.isNull()) {
      throw ApiException.missingParameter("prompt");
    }
    if (prompt.isString()) {
      return List.of(CompletionPrompt.ofText(prompt.asString()));
    }
    if (!prompt.isArray()) {
      throw invalidPrompt("prompt");
    }
    if (prompt.isEmpty()) {
      throw ApiException.invalidRequest("prompt", "'prompt' must not be an empty array.");
    }
    if (prompt.size() > MAX_PROMPTS) {
      throw ApiException.invalidRequest("prompt", "'prompt' holds " + prompt.size() + " prompts; the maximum is " + MAX_PROMPTS + ".",
          "invalid_value");
    }
    JsonNode first = prompt.get(0);
    if (first.isIntegralNumber()) {
      return List.of(CompletionPrompt.ofTokens(tokens(prompt, "prompt")));
    }
    List<CompletionPrompt> out = new ArrayList<>(prompt.size());
    for (int i = 0; i < prompt.size(); i++) {
      JsonNode item = prompt.get(i);
      String at = "prompt[" + i + "]";
      if (first.isString() && item.isString()) {
        out.add(CompletionPrompt.ofText(item.asString()));
      } else if (first.isArray() && item.isArray()) {
        if (item.isEmpty()) {
          throw ApiException.invalidRequest(at, "'" + at + "' must not be an empty array.");
        }
        out.add(CompletionPrompt.ofTokens(tokens(item, at)));
      } else {
        throw invalidPrompt(at);
      }
    }
    return out;
  }

  private static int[] tokens(JsonNode array, String at) {
    int[] tokens = new int[array.size()];
    for (int i = 0; i < tokens.length; i++) {
      JsonNode t = array.get(i);
      if (!t.isIntegralNumber() || !t.canConvertToInt() || t.asInt() < 0) {
        throw ApiException.invalidRequest(at + "[" + i + "]", "Invalid token id at '" + at + "[" + i + "]': expected a"
            + " non-negative integer.", "invalid_value");
      }
      tokens[i] = t.asInt();
    }
    return tokens;
  }

  private static ApiException invalidPrompt(String param) {
    return ApiException.invalidRequest(param, "Invalid type for '" + param + "': expected a string, an array of strings, an"
        + " array of token ids or an array of token-id arrays.", "invalid_type");
  }
}
