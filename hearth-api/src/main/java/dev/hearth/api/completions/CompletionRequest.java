package dev.hearth.api.completions;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.hearth.api.chat.ChatCompletionRequest.StreamOptions;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** The spec's {@code CreateCompletionRequest} (the legacy completions API), every property. */
public record CompletionRequest(
    String model,
    JsonNode prompt,
    @JsonProperty("best_of") Integer bestOf,
    Boolean echo,
    @JsonProperty("frequency_penalty") Double frequencyPenalty,
    @JsonProperty("logit_bias") Map<String, Double> logitBias,
    Integer logprobs,
    @JsonProperty("max_tokens") Integer maxTokens,
    Integer n,
    @JsonProperty("presence_penalty") Double presencePenalty,
    Long seed,
    JsonNode stop,
    Boolean stream,
    @JsonProperty("stream_options") StreamOptions streamOptions,
    String suffix,
    Double temperature,
    @JsonProperty("top_p") Double topP,
    String user) {}
