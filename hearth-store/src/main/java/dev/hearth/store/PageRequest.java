package dev.hearth.store;

import java.util.Objects;

/**
 * One page of a list endpoint, with OpenAI's cursor semantics: {@code after} / {@code before} are
 * ids of objects already seen (at most one of them), {@code limit} is the page size and
 * {@code order} is by creation time.
 */
public record PageRequest(String after, String before, int limit, SortOrder order) {

    public PageRequest {
        Objects.requireNonNull(order, "order");
        after = blankToNull(after);
        before = blankToNull(before);
        if (limit < 1) {
            throw new InvalidPageRequest("limit", "limit must be at least 1, got " + limit);
        }
        if (after != null && before != null) {
            throw new InvalidPageRequest("before", "Pass either 'after' or 'before', not both");
        }
    }

    /**
     * Validates raw query parameters. Absent (null) {@code limit} means {@code defaultLimit};
     * absent or blank {@code after}, {@code before} and {@code order} mean none / none / desc.
     *
     * @throws InvalidPageRequest with param {@code limit} if it is outside 1..maxLimit, with
     *     {@code order} if it is not asc/desc, with {@code before} if both cursors are given
     */
    public static PageRequest of(String after, String before, Integer limit, String order,
            int defaultLimit, int maxLimit) {
        if (defaultLimit < 1 || defaultLimit > maxLimit) {
            throw new IllegalArgumentException("defaultLimit must be in 1.." + maxLimit + ": " + defaultLimit);
        }
        int effectiveLimit = limit == null ? defaultLimit : limit;
        if (effectiveLimit < 1 || effectiveLimit > maxLimit) {
            throw new InvalidPageRequest("limit",
                    "limit must be between 1 and " + maxLimit + ", got " + effectiveLimit);
        }
        return new PageRequest(after, before, effectiveLimit, SortOrder.parse(order));
    }

    /** The first page in {@code order}. */
    public static PageRequest first(int limit, SortOrder order) {
        return new PageRequest(null, null, limit, order);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
