package dev.hearth.api.storedcompletions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * The spec's {@code ChatCompletionList}: a page of chat completions (as stored, with their metadata). The spec requires {@code first_id} and
 * {@code last_id} as strings (not nullable), so an empty page carries empty strings rather than nulls.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ChatCompletionList(
    String object,
    List<JsonNode> data,
    @JsonProperty("first_id") String firstId,
    @JsonProperty("last_id") String lastId,
    @JsonProperty("has_more") boolean hasMore) {

  public static ChatCompletionList of(List<JsonNode> data, boolean hasMore, Function<JsonNode, String> id) {
    return new ChatCompletionList("list", data, data.isEmpty() ? "" : id.apply(data.getFirst()),
        data.isEmpty() ? "" : id.apply(data.getLast()), hasMore);
  }
}
