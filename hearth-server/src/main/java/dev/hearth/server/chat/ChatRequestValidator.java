package dev.hearth.server.chat;

import dev.hearth.api.chat.ChatCompletionRequest;
import dev.hearth.api.chat.ChatMessageParam;
import dev.hearth.server.chat.ChatRequest.PromptMessage;
import dev.hearth.server.chat.ChatRequest.Role;
import dev.hearth.server.chat.ChatRequest.ToolCall;
import dev.hearth.server.chat.tools.ToolRequestValidator;
import dev.hearth.server.generation.GenerationParams;
import dev.hearth.server.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Checks a {@code CreateChatCompletionRequest} against the spec's rules and Hearth's limits and
 * builds a {@link ChatRequest}. Every rejection is a 400 whose {@code param} names the field as
 * the client wrote it ({@code messages[2].content[0]}). Fields Hearth cannot honour yet are
 * refused with {@code unsupported_parameter}, never silently ignored.
 */
public final class ChatRequestValidator {
  static final int MAX_METADATA_PAIRS = 16;
  static final int MAX_METADATA_KEY = 64;
  static final int MAX_METADATA_VALUE = 512;
  private static final Set<String> REASONING_EFFORTS = Set.of("none", "minimal", "low", "medium", "high", "xhigh", "max");
  private static final Set<String> SERVICE_TIERS = Set.of("auto", "default", "flex", "scale", "priority", "fast");
  private static final Set<String> VERBOSITIES = Set.of("low", "medium", "high");

  private ChatRequestValidator() {}

  public static ChatRequest validate(ChatCompletionRequest r) {
    if (r.model() == null || r.model().isBlank()) {
      throw ApiException.missingParameter("model");
    }
    List<PromptMessage> messages = messages(r.messages());

    double temperature = GenerationParams.range(r.temperature(), 1.0, 0, 2, "temperature");
    double topP = GenerationParams.range(r.topP(), 1.0, 0, 1, "top_p");
    double presence = GenerationParams.range(r.presencePenalty(), 0, -2, 2, "presence_penalty");
    double frequency = GenerationParams.range(r.frequencyPenalty(), 0, -2, 2, "frequency_penalty");
    int n = (int) GenerationParams.range(r.n() == null ? null : r.n().doubleValue(), 1, 1, 128, "n");
    Integer maxTokens = maxTokens(r);
    boolean logprobs = Boolean.TRUE.equals(r.logprobs());
    int topLogprobs = (int) GenerationParams.range(r.topLogprobs() == null ? null : r.topLogprobs().doubleValue(), 0, 0, 20, "top_logprobs");
    if (r.topLogprobs() != null && r.topLogprobs() > 0 && !logprobs) {
      throw ApiException.invalidRequest("top_logprobs", "'top_logprobs' requires 'logprobs' to be true.");
    }
    boolean stream = Boolean.TRUE.equals(r.stream());
    if (r.streamOptions() != null && !stream) {
      throw ApiException.invalidRequest("stream_options", "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
    }
    boolean includeUsage = r.streamOptions() != null && Boolean.TRUE.equals(r.streamOptions().includeUsage());

    oneOf(r.reasoningEffort(), REASONING_EFFORTS, "reasoning_effort");
    oneOf(r.serviceTier(), SERVICE_TIERS, "service_tier");
    oneOf(r.verbosity(), VERBOSITIES, "verbosity");
    modalities(r.modalities());
    unsupported(r);

    return new ChatRequest(
        r.model(), messages, maxTokens, temperature, topP, n, GenerationParams.stop(r.stop()), stream, includeUsage, r.seed(),
        presence, frequency, GenerationParams.logitBias(r.logitBias()), logprobs, topLogprobs, r.user(), metadata(r.metadata()),
        Boolean.TRUE.equals(r.store()), r.reasoningEffort(), r.serviceTier(), responseFormat(r.responseFormat()),
        ToolRequestValidator.validate(r.tools(), r.toolChoice(), r.parallelToolCalls()));
  }

  // ---- messages --------------------------------------------------------------------------

  private static List<PromptMessage> messages(List<ChatMessageParam> params) {
    if (params == null) {
      throw ApiException.missingParameter("messages");
    }
    if (params.isEmpty()) {
      throw ApiException.invalidRequest("messages", "'messages' must contain at least one message.");
    }
    List<PromptMessage> out = new ArrayList<>(params.size());
    for (int i = 0; i < params.size(); i++) {
      out.add(message(params.get(i), "messages[" + i + "]"));
    }
    return out;
  }

  private static PromptMessage message(ChatMessageParam m, String at) {
    if (m == null) {
      throw ApiException.invalidRequest(at, "Invalid type for '" + at + "': expected an object.", "invalid_type");
    }
    if (m.role() == null) {
      throw ApiException.missingParameter(at + ".role");
    }
    if (m.audio() != null) {
      throw unsupported(at + ".audio", "Audio in assistant messages is not supported by this server.");
    }
    return switch (m.role()) {
      case "system", "developer" -> new PromptMessage(Role.SYSTEM, text(m.content(), at, false, true), m.name(), List.of(), null);
      case "user" -> new PromptMessage(Role.USER, text(m.content(), at, true, true), m.name(), List.of(), null);
      case "assistant" -> assistant(m, at);
      case "tool" -> {
        if (m.toolCallId() == null || m.toolCallId().isBlank()) {
          throw ApiException.missingParameter(at + ".tool_call_id");
        }
        yield new PromptMessage(Role.TOOL, text(m.content(), at, false, true), null, List.of(), m.toolCallId());
      }
      case "function" -> {
        if (m.name() == null || m.name().isBlank()) {
          throw ApiException.missingParameter(at + ".name");
        }
        yield new PromptMessage(Role.TOOL, text(m.content(), at, false, true), m.name(), List.of(), null);
      }
      default -> throw ApiException.invalidRequest(at + ".role",
          "Invalid value for '" + at + ".role': '" + m.role() + "'. Supported values are: 'developer', 'system', 'user',"
              + " 'assistant', 'tool' and 'function'.", "invalid_value");
    };
  }

  private static PromptMessage assistant(ChatMessageParam m, String at) {
    List<ToolCall> calls = new ArrayList<>();
    if (m.toolCalls() != null) {
      for (int j = 0; j < m.toolCalls().size(); j++) {
        var call = m.toolCalls().get(j);
        String callAt = at + ".tool_calls[" + j + "]";
        if (call == null || call.function() == null || call.function().name() == null) {
          throw ApiException.missingParameter(callAt + ".function.name");
        }
        if (call.id() == null) {
          throw ApiException.missingParameter(callAt + ".id");
        }
        calls.add(new ToolCall(call.id(), call.function().name(), call.function().arguments() == null ? "" : call.function().arguments()));
      }
    }
    if (m.functionCall() != null && m.functionCall().name() != null) {
      calls.add(new ToolCall("call_legacy", m.functionCall().name(), m.functionCall().arguments() == null ? "" : m.functionCall().arguments()));
    }
    boolean contentRequired = calls.isEmpty() && m.refusal() == null;
    String content = text(m.content(), at, false, contentRequired);
    if (content == null && m.refusal() != null) {
      content = m.refusal();
    }
    return new PromptMessage(Role.ASSISTANT, content, m.name(), calls, null);
  }

  /**
   * Flattens content (a string or an array of parts) to text. Only text parts carry meaning to a
   * text model; an image, audio or file part is a 400 that names it, not something to drop.
   */
  private static String text(JsonNode content, String at, boolean user, boolean required) {
    String param = at + ".content";
    if (content == null || content.isNull()) {
      if (required) {
        throw ApiException.missingParameter(param);
      }
      return null;
    }
    if (content.isString()) {
      return content.asString();
    }
    if (!content.isArray()) {
      throw ApiException.invalidRequest(param, "Invalid type for '" + param + "': expected a string or an array of content parts.",
          "invalid_type");
    }
    if (content.isEmpty() && required) {
      throw ApiException.invalidRequest(param, "'" + param + "' must not be an empty array.");
    }
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < content.size(); k++) {
      JsonNode part = content.get(k);
      String partAt = param + "[" + k + "]";
      JsonNode type = part.isObject() ? part.get("type") : null;
      if (type == null || !type.isString()) {
        throw ApiException.missingParameter(partAt + ".type");
      }
      switch (type.asString()) {
        case "text" -> {
          JsonNode text = part.get("text");
          if (text == null || !text.isString()) {
            throw ApiException.missingParameter(partAt + ".text");
          }
          sb.append(text.asString());
        }
        case "refusal" -> {
          JsonNode refusal = part.get("refusal");
          if (refusal == null || !refusal.isString()) {
            throw ApiException.missingParameter(partAt + ".refusal");
          }
          sb.append(refusal.asString());
        }
        case "image_url", "input_audio", "file" -> throw ApiException.invalidRequest(partAt,
            user
                ? "Content part '" + type.asString() + "' at '" + partAt + "' is not supported: the model accepts text only."
                : "Content part '" + type.asString() + "' is only valid in user messages.",
            "unsupported_content");
        default -> throw ApiException.invalidRequest(partAt + ".type",
            "Invalid value for '" + partAt + ".type': '" + type.asString() + "'.", "invalid_value");
      }
    }
    return sb.toString();
  }

  // ---- sampling and limits ----------------------------------------------------------------

  private static Integer maxTokens(ChatCompletionRequest r) {
    Integer max = r.maxCompletionTokens() != null ? r.maxCompletionTokens() : r.maxTokens();
    String param = r.maxCompletionTokens() != null ? "max_completion_tokens" : "max_tokens";
    if (max != null && max < 1) {
      throw ApiException.invalidRequest(param, "Invalid '" + param + "': " + max + " is less than the minimum of 1.", "invalid_value");
    }
    return max;
  }

  static Map<String, String> metadata(Map<String, String> metadata) {
    if (metadata == null) {
      return Map.of();
    }
    if (metadata.size() > MAX_METADATA_PAIRS) {
      throw ApiException.invalidRequest("metadata", "Invalid 'metadata': at most " + MAX_METADATA_PAIRS + " key-value pairs, got "
          + metadata.size() + ".", "invalid_value");
    }
    for (var e : metadata.entrySet()) {
      if (e.getKey().length() > MAX_METADATA_KEY) {
        throw ApiException.invalidRequest("metadata", "Invalid 'metadata': key '" + e.getKey().substring(0, 16)
            + "…' is longer than " + MAX_METADATA_KEY + " characters.", "invalid_value");
      }
      if (e.getValue() == null) {
        throw ApiException.invalidRequest("metadata." + e.getKey(), "Invalid 'metadata': values must be strings.", "invalid_type");
      }
      if (e.getValue().length() > MAX_METADATA_VALUE) {
        throw ApiException.invalidRequest("metadata." + e.getKey(), "Invalid 'metadata': the value of '" + e.getKey()
            + "' is longer than " + MAX_METADATA_VALUE + " characters.", "invalid_value");
      }
    }
    return metadata;
  }

  private static void oneOf(String value, Set<String> allowed, String param) {
    if (value != null && !allowed.contains(value)) {
      throw ApiException.invalidRequest(param, "Invalid value for '" + param + "': '" + value + "'. Supported values are: "
          + String.join(", ", allowed.stream().sorted().toList()) + ".", "invalid_value");
    }
  }

  private static void modalities(List<String> modalities) {
    if (modalities == null) {
      return;
    }
    for (int i = 0; i < modalities.size(); i++) {
      String m = modalities.get(i);
      if ("audio".equals(m)) {
        throw unsupported("modalities", "Audio output is not supported by this server; use /v1/audio/speech.");
      }
      if (!"text".equals(m)) {
        throw ApiException.invalidRequest("modalities[" + i + "]", "Invalid value for 'modalities[" + i + "]': '" + m + "'.",
            "invalid_value");
      }
    }
  }

  private static final tools.jackson.databind.json.JsonMapper TREES = tools.jackson.databind.json.JsonMapper.builder().build();
  private static final java.util.regex.Pattern SCHEMA_NAME = java.util.regex.Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  /** {@code text} (or nothing) is free text; {@code json_object} and {@code json_schema} constrain decoding. */
  @SuppressWarnings("unchecked")
  private static ChatRequest.ResponseFormat responseFormat(JsonNode format) {
    if (format == null || format.isNull()) {
      return null;
    }
    JsonNode type = format.get("type");
    if (type == null || !type.isString()) {
      throw ApiException.missingParameter("response_format.type");
    }
    return switch (type.asString()) {
      case "text" -> null;
      case "json_object" -> new ChatRequest.ResponseFormat("json_object", null, null, null);
      case "json_schema" -> {
        JsonNode js = format.get("json_schema");
        if (js == null || !js.isObject()) {
          throw ApiException.missingParameter("response_format.json_schema");
        }
        JsonNode name = js.get("name");
        if (name == null || !name.isString()) {
          throw ApiException.missingParameter("response_format.json_schema.name");
        }
        if (!SCHEMA_NAME.matcher(name.asString()).matches()) {
          throw ApiException.invalidRequest("response_format.json_schema.name", "Invalid 'response_format.json_schema.name':"
              + " use at most 64 letters, digits, underscores and dashes.", "invalid_value");
        }
        JsonNode schema = js.get("schema");
        if (schema != null && !schema.isNull() && !schema.isObject()) {
          throw ApiException.invalidRequest("response_format.json_schema.schema",
              "Invalid type for 'response_format.json_schema.schema': expected an object.", "invalid_type");
        }
        boolean any = schema == null || schema.isNull();
        yield new ChatRequest.ResponseFormat("json_schema", name.asString(),
            any ? null : TREES.convertValue(schema, java.util.Map.class), any ? null : schema.toString());
      }
      default -> throw ApiException.invalidRequest("response_format.type", "Invalid value for 'response_format.type': '"
          + type.asString() + "'. Supported values are: 'text', 'json_object' and 'json_schema'.", "invalid_value");
    };
  }

  /** Features that arrive with later work: refused clearly rather than ignored. */
  private static void unsupported(ChatCompletionRequest r) {
    if (r.functions() != null && !r.functions().isEmpty()) {
      throw unsupported("functions", "The deprecated 'functions' parameter is not supported by this server; declare them"
          + " as 'tools' of type 'function'.");
    }
    if (r.functionCall() != null && !r.functionCall().isNull()
        && !(r.functionCall().isString() && r.functionCall().asString().equals("none"))) {
      throw unsupported("function_call", "The deprecated 'function_call' parameter is not supported by this server; use"
          + " 'tool_choice' with 'tools'.");
    }
    if (r.audio() != null && !r.audio().isNull()) {
      throw unsupported("audio", "Audio output is not supported by this server; use /v1/audio/speech.");
    }
    if (r.webSearchOptions() != null && !r.webSearchOptions().isNull()) {
      throw unsupported("web_search_options", "Web search is not available on this server.");
    }
    if (r.moderation() != null && !r.moderation().isNull()) {
      throw unsupported("moderation", "Inline moderation is not supported; use /v1/moderations.");
    }
  }

  private static ApiException unsupported(String param, String message) {
    return ApiException.invalidRequest(param, message, "unsupported_parameter");
  }
}
