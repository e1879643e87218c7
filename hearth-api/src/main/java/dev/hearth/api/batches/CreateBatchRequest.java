package dev.hearth.api.batches;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.hearth.api.files.FileExpirationAfter;
import java.util.Map;

/** The spec's {@code CreateBatchRequest}. */
public record CreateBatchRequest(
    @JsonProperty("input_file_id") String inputFileId,
    String endpoint,
    @JsonProperty("completion_window") String completionWindow,
    Map<String, String> metadata,
    @JsonProperty("output_expires_after") FileExpirationAfter outputExpiresAfter) {}
