package dev.hearth.api.batches;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The spec's {@code BatchError}; {@code param} and {@code line} may be null. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record BatchError(String code, String message, String param, Integer line) {}
