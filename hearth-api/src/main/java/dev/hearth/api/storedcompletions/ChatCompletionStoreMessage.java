package dev.hearth.api.storedcompletions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One item of the spec's {@code ChatCompletionMessageList}: a message of a stored completion's
 * request, with its id ({@code <completion id>-<index>}). {@code content} is the text (the text
 * parts joined when the message was sent as parts); {@code content_parts} holds the {@code text}
 * and {@code image_url} parts when it was, and is null otherwise.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionStoreMessage(
    String id,
    String role,
    @JsonInclude(JsonInclude.Include.ALWAYS) String content,
    @JsonInclude(JsonInclude.Include.ALWAYS) String refusal,
    @JsonInclude(JsonInclude.Include.ALWAYS) String name,
    @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("content_parts") List<JsonNode> contentParts,
    @JsonProperty("tool_calls") List<JsonNode> toolCalls,
    @JsonProperty("tool_call_id") String toolCallId) {}
