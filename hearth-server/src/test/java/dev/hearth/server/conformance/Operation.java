package dev.hearth.server.conformance;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One operation of the OpenAPI spec. {@code path} is the spec's path key, relative to the server base path
 * (e.g. {@code /models/{model}}); a few keys carry a required query, like {@code /responses/{id}?beta=true}.
 * {@code statuses} lists every documented status, {@code responses} only those with a body schema.
 */
public record Operation(String method, String path, String operationId, List<String> tags, List<String> statuses,
                        List<ResponseContent> responses) {

    public static final String UNTAGGED = "(untagged)";

    public Operation {
        method = method.toUpperCase(Locale.ROOT);
        tags = List.copyOf(tags);
        statuses = List.copyOf(statuses);
        responses = List.copyOf(responses);
    }

    /** The tag this operation is grouped under: its first tag, or {@value #UNTAGGED}. */
    public String tag() {
        return tags.isEmpty() ? UNTAGGED : tags.getFirst();
    }

    /** The component schema name of the 200/201 {@code application/json} response, if it is a plain $ref. */
    public Optional<String> responseSchemaRef() {
        return successJson().flatMap(ResponseContent::schemaName);
    }

    /** The 200/201 {@code application/json} response, if documented. */
    public Optional<ResponseContent> successJson() {
        return responses.stream()
                .filter(r -> r.status().equals("200") || r.status().equals("201"))
                .filter(ResponseContent::isJson)
                .findFirst();
    }

    /**
     * The response documented for this status and media type: an exact status code beats a range, which beats
     * "default".
     */
    public Optional<ResponseContent> response(int statusCode, String mediaType) {
        return responses.stream()
                .filter(r -> r.covers(statusCode) && r.mediaType().equalsIgnoreCase(mediaType))
                .min(Comparator.comparingInt(r -> r.status().equals("default") ? 2 : r.status().endsWith("XX") ? 1 : 0));
    }

    /** Whether the status is documented at all (with or without a body), by code, range or "default". */
    public boolean documents(int statusCode) {
        return statuses.stream().anyMatch(status -> ResponseContent.covers(status, statusCode));
    }

    /** The path without its query part, split into segments; template segments are kept as {@code {name}}. */
    List<String> segments() {
        return PathTemplates.segments(pathWithoutQuery());
    }

    String pathWithoutQuery() {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    /** Names of query parameters baked into the path key (e.g. {@code beta} for {@code ...?beta=true}). */
    Set<String> requiredQueryNames() {
        int q = path.indexOf('?');
        return q < 0 ? Set.of() : PathTemplates.queryNames(path.substring(q + 1));
    }
}
