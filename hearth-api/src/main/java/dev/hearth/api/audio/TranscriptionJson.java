package dev.hearth.api.audio;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The spec's {@code CreateTranscriptionResponseJson} (and {@code CreateTranslationResponseJson},
 * which has no usage).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TranscriptionJson(String text, TranscriptionUsage usage) {}
