package dev.hearth.api.files;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The spec's {@code ListFilesResponse}. The spec requires {@code first_id} and {@code last_id} as
 * strings (not nullable), so an empty page carries empty strings rather than nulls.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ListFilesResponse(
    String object,
    List<OpenAIFile> data,
    @JsonProperty("first_id") String firstId,
    @JsonProperty("last_id") String lastId,
    @JsonProperty("has_more") boolean hasMore) {

  public static ListFilesResponse of(List<OpenAIFile> data, boolean hasMore) {
    return new ListFilesResponse("list", data, data.isEmpty() ? "" : data.getFirst().id(),
        data.isEmpty() ? "" : data.getLast().id(), hasMore);
  }
}
