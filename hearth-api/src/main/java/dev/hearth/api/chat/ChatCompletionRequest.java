package dev.hearth.api.chat;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The spec's {@code CreateChatCompletionRequest}, every property of it (with those of
 * {@code CreateModelResponseProperties}), so that any request the official SDKs can send parses.
 * Polymorphic fields ({@code stop}, {@code response_format}, {@code tool_choice}, …) stay JSON
 * trees here; {@code ChatRequestValidator} in the server turns them into checked values.
 */
public record ChatCompletionRequest(
    List<ChatMessageParam> messages,
    String model,
    Map<String, String> metadata,
    @JsonProperty("top_logprobs") Integer topLogprobs,
    Double temperature,
    @JsonProperty("top_p") Double topP,
    String user,
    @JsonProperty("safety_identifier") String safetyIdentifier,
    @JsonProperty("prompt_cache_key") String promptCacheKey,
    @JsonProperty("prompt_cache_retention") String promptCacheRetention,
    @JsonProperty("prompt_cache_options") JsonNode promptCacheOptions,
    @JsonProperty("service_tier") String serviceTier,
    List<String> modalities,
    String verbosity,
    @JsonProperty("reasoning_effort") String reasoningEffort,
    @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
    @JsonProperty("frequency_penalty") Double frequencyPenalty,
    @JsonProperty("presence_penalty") Double presencePenalty,
    @JsonProperty("web_search_options") JsonNode webSearchOptions,
    @JsonProperty("response_format") JsonNode responseFormat,
    JsonNode audio,
    Boolean store,
    JsonNode moderation,
    Boolean stream,
    JsonNode stop,
    @JsonProperty("logit_bias") Map<String, Double> logitBias,
    Boolean logprobs,
    @JsonProperty("max_tokens") Integer maxTokens,
    Integer n,
    JsonNode prediction,
    Long seed,
    @JsonProperty("stream_options") StreamOptions streamOptions,
    List<JsonNode> tools,
    @JsonProperty("tool_choice") JsonNode toolChoice,
    @JsonProperty("parallel_tool_calls") Boolean parallelToolCalls,
    @JsonProperty("function_call") JsonNode functionCall,
    List<JsonNode> functions) {

  /** The spec's {@code ChatCompletionStreamOptions}. */
  public record StreamOptions(
      @JsonProperty("include_usage") Boolean includeUsage,
      @JsonProperty("include_obfuscation") Boolean includeObfuscation) {}
}
