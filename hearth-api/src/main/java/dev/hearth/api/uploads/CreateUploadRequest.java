package dev.hearth.api.uploads;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.hearth.api.files.FileExpirationAfter;

/** The spec's {@code CreateUploadRequest}; all but {@code expires_after} are required. */
public record CreateUploadRequest(
    String filename,
    String purpose,
    Long bytes,
    @JsonProperty("mime_type") String mimeType,
    @JsonProperty("expires_after") FileExpirationAfter expiresAfter) {}
