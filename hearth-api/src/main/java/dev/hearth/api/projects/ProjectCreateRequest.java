package dev.hearth.api.projects;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The spec's {@code ProjectCreateRequest}; {@code name} is required. */
public record ProjectCreateRequest(
    String name, Object residency, @JsonProperty("external_key_id") String externalKeyId) {}
