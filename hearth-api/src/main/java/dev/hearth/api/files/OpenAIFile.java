package dev.hearth.api.files;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The spec's {@code OpenAIFile}. {@code expires_at} and {@code status_details} are left out when
 * the file has none (the spec types them as non-nullable and optional).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OpenAIFile(
    String id,
    String object,
    long bytes,
    @JsonProperty("created_at") long createdAt,
    @JsonProperty("expires_at") Long expiresAt,
    String filename,
    String purpose,
    String status,
    @JsonProperty("status_details") String statusDetails) {

  public static final String OBJECT = "file";
}
