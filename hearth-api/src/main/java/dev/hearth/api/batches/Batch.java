package dev.hearth.api.batches;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The spec's {@code Batch}. Timestamps of stages not reached, and the output and error files not
 * (yet) written, are left out: the spec types them as optional, non-nullable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Batch(
    String id,
    String object,
    String endpoint,
    String model,
    BatchErrors errors,
    @JsonProperty("input_file_id") String inputFileId,
    @JsonProperty("completion_window") String completionWindow,
    String status,
    @JsonProperty("output_file_id") String outputFileId,
    @JsonProperty("error_file_id") String errorFileId,
    @JsonProperty("created_at") long createdAt,
    @JsonProperty("in_progress_at") Long inProgressAt,
    @JsonProperty("expires_at") Long expiresAt,
    @JsonProperty("finalizing_at") Long finalizingAt,
    @JsonProperty("completed_at") Long completedAt,
    @JsonProperty("failed_at") Long failedAt,
    @JsonProperty("expired_at") Long expiredAt,
    @JsonProperty("cancelling_at") Long cancellingAt,
    @JsonProperty("cancelled_at") Long cancelledAt,
    @JsonProperty("request_counts") BatchRequestCounts requestCounts,
    Map<String, String> metadata) {

  public static final String OBJECT = "batch";
}
