package dev.hearth.api.uploads;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The spec's {@code UploadPart}. */
public record UploadPart(
    String id, String object, @JsonProperty("created_at") long createdAt, @JsonProperty("upload_id") String uploadId) {

  public static final String OBJECT = "upload.part";
}
