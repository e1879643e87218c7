package dev.hearth.api.storedcompletions;

import java.util.Map;

/** The body of {@code POST /v1/chat/completions/{completion_id}}: the metadata that replaces the stored one (null clears it). */
public record UpdateChatCompletionRequest(Map<String, String> metadata) {}
