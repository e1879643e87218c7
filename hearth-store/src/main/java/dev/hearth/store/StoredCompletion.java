package dev.hearth.store;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A chat completion kept because its request said {@code store: true}.
 *
 * @param requestMessages the request's {@code messages} as JSON (an array); null when a list read left it out
 * @param response the completion as JSON, without {@code metadata} (which lives in {@code metadata})
 * @param metadata the current metadata pairs, sorted by key
 */
public record StoredCompletion(String id, String projectId, String model, Instant createdAt, Instant expiresAt,
        String requestMessages, String response, Map<String, String> metadata) {

    public StoredCompletion {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(response, "response");
        createdAt = EpochSeconds.truncate(createdAt);
        expiresAt = EpochSeconds.truncate(expiresAt);
        metadata = java.util.Collections.unmodifiableMap(new TreeMap<>(metadata));
    }

    StoredCompletion withMetadata(Map<String, String> pairs) {
        return new StoredCompletion(id, projectId, model, createdAt, expiresAt, requestMessages, response, pairs);
    }
}
