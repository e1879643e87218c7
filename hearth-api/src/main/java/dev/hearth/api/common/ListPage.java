package dev.hearth.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.function.Function;

/**
 * A cursor-paginated list as every paginated endpoint of the spec returns it ({@code object: "list"},
 * {@code data}, {@code first_id}, {@code last_id}, {@code has_more}). The ids are null on an empty page.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ListPage<T>(
    String object,
    List<T> data,
    @JsonProperty("first_id") String firstId,
    @JsonProperty("last_id") String lastId,
    @JsonProperty("has_more") boolean hasMore) {

  public static <T> ListPage<T> of(List<T> data, boolean hasMore, Function<T, String> id) {
    return new ListPage<>(
        "list",
        data,
        data.isEmpty() ? null : id.apply(data.getFirst()),
        data.isEmpty() ? null : id.apply(data.getLast()),
        hasMore);
  }
}
