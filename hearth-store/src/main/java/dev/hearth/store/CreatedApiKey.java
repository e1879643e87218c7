package dev.hearth.store;

import java.util.Objects;

/**
 * A newly created key with its secret. This is the only time the secret exists outside the
 * client: the store keeps just its hash. Do not log it.
 *
 * @param secret {@code sk-hearth-} followed by 48 base62 characters
 */
public record CreatedApiKey(ApiKey key, String secret) {
    public CreatedApiKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(secret, "secret");
    }

    /** Keeps the secret out of logs and exception messages that print this record. */
    @Override
    public String toString() {
        return "CreatedApiKey[key=" + key + ", secret=" + key.redactedValue() + "]";
    }
}
