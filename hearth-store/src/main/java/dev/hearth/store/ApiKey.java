package dev.hearth.store;

import java.time.Instant;
import java.util.Objects;

/**
 * An API key as listed: never its secret, only a redacted form to recognise it by.
 *
 * @param redactedValue e.g. {@code sk-...abcd}: the secret's last four characters
 * @param lastUsedAt when it last authenticated, to the minute; null if never
 * @param revokedAt when it was revoked; null while active
 * @param admin whether it may also use the organization endpoints
 */
public record ApiKey(String id, String projectId, String name, String redactedValue, Instant createdAt,
        Instant lastUsedAt, Instant revokedAt, boolean admin) {

    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Whether the key still authenticates. */
    public boolean active() {
        return revokedAt == null;
    }
}
