package dev.hearth.store;

import java.util.Locale;

/** The {@code order} query parameter of OpenAI list endpoints, by creation time. */
public enum SortOrder {
    ASC,
    DESC;

    /**
     * Parses {@code asc} or {@code desc} (any case). An absent value (null or blank) means
     * {@link #DESC}, OpenAI's default. Anything else is an {@link InvalidPageRequest} on
     * {@code order}.
     */
    public static SortOrder parse(String s) {
        if (s == null || s.isBlank()) {
            return DESC;
        }
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "asc" -> ASC;
            case "desc" -> DESC;
            default -> throw new InvalidPageRequest("order", "order must be 'asc' or 'desc', got '" + s + "'");
        };
    }
}
