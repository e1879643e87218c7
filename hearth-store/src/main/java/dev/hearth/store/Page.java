package dev.hearth.store;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list, in the requested order. {@code hasMore} says whether more rows lie beyond
 * this page in the direction of travel: after the last row when paging with {@code after} (or no
 * cursor), before the first row when paging with {@code before}.
 */
public record Page<T>(List<T> data, boolean hasMore) {

    public Page {
        data = List.copyOf(data);
    }

    /** The id of the first object, for OpenAI's {@code first_id}; null on an empty page. */
    public String firstId(Function<T, String> id) {
        return data.isEmpty() ? null : id.apply(data.getFirst());
    }

    /** The id of the last object, for OpenAI's {@code last_id}; null on an empty page. */
    public String lastId(Function<T, String> id) {
        return data.isEmpty() ? null : id.apply(data.getLast());
    }
}
