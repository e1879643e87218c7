package dev.hearth.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A project: the unit that owns files, batches, responses and API keys, and carries the data
 * policies applied to them.
 *
 * @param retentionDays how long stored objects are kept before the retention sweep deletes them
 * @param zeroDataRetention when true, request and response bodies are not stored at all
 * @param allowedModels models this project may call; empty means every model
 * @param archivedAt when it was archived; null while active
 */
public record Project(String id, String name, int retentionDays, boolean zeroDataRetention,
        List<String> allowedModels, Instant createdAt, Instant archivedAt) {

    public Project {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        allowedModels = List.copyOf(allowedModels);
    }

    /** Whether requests for {@code model} are allowed in this project. */
    public boolean allowsModel(String model) {
        return allowedModels.isEmpty() || allowedModels.contains(model);
    }
}
