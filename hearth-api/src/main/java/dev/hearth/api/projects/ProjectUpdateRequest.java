package dev.hearth.api.projects;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The spec's {@code ProjectUpdateRequest}. */
public record ProjectUpdateRequest(String name, @JsonProperty("external_key_id") String externalKeyId) {}
