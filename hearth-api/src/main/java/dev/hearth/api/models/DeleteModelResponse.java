package dev.hearth.api.models;

/** The spec's {@code DeleteModelResponse}. */
public record DeleteModelResponse(String id, String object, boolean deleted) {}
