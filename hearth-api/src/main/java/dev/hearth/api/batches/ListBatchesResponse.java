package dev.hearth.api.batches;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The spec's {@code ListBatchesResponse}; {@code first_id}/{@code last_id} are left out of an empty page. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListBatchesResponse(
    String object,
    List<Batch> data,
    @JsonProperty("first_id") String firstId,
    @JsonProperty("last_id") String lastId,
    @JsonProperty("has_more") boolean hasMore) {

  public static ListBatchesResponse of(List<Batch> data, boolean hasMore) {
    return new ListBatchesResponse("list", data, data.isEmpty() ? null : data.getFirst().id(),
        data.isEmpty() ? null : data.getLast().id(), hasMore);
  }
}
