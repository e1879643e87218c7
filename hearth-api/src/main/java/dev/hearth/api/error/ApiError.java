package dev.hearth.api.error;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The {@code Error} schema of the OpenAI spec. All four fields are required there, {@code param}
 * and {@code code} as explicit nulls, so they are always written.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ApiError(String message, String type, String param, String code) {}
