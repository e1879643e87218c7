package dev.hearth.api.storedcompletions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.function.Function;


/**
 * The spec's {@code ChatCompletionMessageList}: a page of messages of a stored completion's request. The spec requires {@code first_id} and
 * {@code last_id} as strings (not nullable), so an empty page carries empty strings rather than nulls.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ChatCompletionMessageList(
    String object,
    List<ChatCompletionStoreMessage> data,
    @JsonProperty("first_id") String firstId,
    @JsonProperty("last_id") String lastId,
    @JsonProperty("has_more") boolean hasMore) {

  public static ChatCompletionMessageList of(List<ChatCompletionStoreMessage> data, boolean hasMore, Function<ChatCompletionStoreMessage, String> id) {
    return new ChatCompletionMessageList("list", data, data.isEmpty() ? "" : id.apply(data.getFirst()),
        data.isEmpty() ? "" : id.apply(data.getLast()), hasMore);
  }
}
