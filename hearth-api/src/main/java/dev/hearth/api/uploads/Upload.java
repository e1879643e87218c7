package dev.hearth.api.uploads;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.hearth.api.files.OpenAIFile;

/** The spec's {@code Upload}; {@code file} is null until the upload is completed. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Upload(
    String id,
    String object,
    long bytes,
    @JsonProperty("created_at") long createdAt,
    @JsonProperty("expires_at") long expiresAt,
    String filename,
    String purpose,
    String status,
    OpenAIFile file) {

  public static final String OBJECT = "upload";
}
