package dev.hearth.api.projects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The spec's {@code Project} object ({@code organization.project}). */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Project(
    String id,
    String object,
    String name,
    @JsonProperty("created_at") long createdAt,
    @JsonProperty("archived_at") Long archivedAt,
    String status) {

  public static final String OBJECT = "organization.project";
}
