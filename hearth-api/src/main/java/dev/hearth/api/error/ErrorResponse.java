package dev.hearth.api.error;

/** The {@code ErrorResponse} envelope: {@code {"error": {...}}}. */
public record ErrorResponse(ApiError error) {}
