package dev.hearth.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Issues, authenticates and revokes API keys.
 *
 * <p>Only a SHA-256 hash of each secret is stored. A plain (unsalted, fast) hash is enough here:
 * secrets carry 48 random base62 characters (about 285 bits), far beyond brute force, and a
 * deterministic hash is what lets a request's key be found by an indexed lookup.
 */
public final class ApiKeyStore {
    public static final String SECRET_PREFIX = "sk-hearth-";
    public static final int SECRET_RANDOM_LENGTH = 48;
    static final String ID_PREFIX = "key_";
    /** Recording every use would make every request a write; a minute's precision is enough. */
    static final Duration LAST_USED_PRECISION = Duration.ofMinutes(1);
    /** Shortest id prefix {@link #revoke} accepts, so a stray "key_" cannot pick a key. */
    private static final int MIN_ID_PREFIX_LENGTH = ID_PREFIX.length() + 4;

    private static final String COLUMNS =
            "id, project_id, name, redacted_value, created_at, last_used_at, revoked_at, admin";
    private static final RowMapper<ApiKey> MAPPER = row -> new ApiKey(
            row.getString("id"), row.getString("project_id"), row.getString("name"),
            row.getString("redacted_value"), EpochSeconds.read(row, "created_at"),
            EpochSeconds.readNullable(row, "last_used_at"), EpochSeconds.readNullable(row, "revoked_at"),
            row.getBoolean("admin"));
    private static final KeysetPager<ApiKey> PAGER = new KeysetPager<>("api_keys", COLUMNS, MAPPER);

    private final Database db;
    private final InstantSource clock;

    public ApiKeyStore(Database db, InstantSource clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Issues a key for a project. The returned secret is not stored and cannot be shown again.
     *
     * @throws NotFoundException if the project does not exist
     */
    public CreatedApiKey create(String projectId, String name) {
        return create(projectId, name, false);
    }

    /**
     * Issues a key; an admin key may also use the organization endpoints.
     *
     * @throws NotFoundException if the project does not exist
     */
    public CreatedApiKey create(String projectId, String name, boolean admin) {
        Objects.requireNonNull(projectId, "projectId");
        String secret = SECRET_PREFIX + Ids.randomBase62(SECRET_RANDOM_LENGTH);
        ApiKey key = new ApiKey(Ids.newId(ID_PREFIX), projectId, name == null ? "" : name.strip(),
                redact(secret), EpochSeconds.truncate(clock.instant()), null, null, admin);
        db.inTransaction(c -> {
            requireProject(c, projectId);
            try (PreparedStatement statement = c.prepareStatement(
                    "INSERT INTO api_keys (id, project_id, name, secret_sha256, redacted_value, created_at, admin)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                statement.setString(1, key.id());
                statement.setString(2, key.projectId());
                statement.setString(3, key.name());
                statement.setString(4, sha256Hex(secret));
                statement.setString(5, key.redactedValue());
                EpochSeconds.bind(statement, 6, key.createdAt());
                statement.setBoolean(7, admin);
                return statement.executeUpdate();
            }
        });
        return new CreatedApiKey(key, secret);
    }

    /**
     * The active key whose secret this is, or empty for an unknown, malformed or revoked secret.
     * Records the use in {@code lastUsedAt}, writing at most once a minute per key.
     */
    public Optional<ApiKey> authenticate(String secret) {
        if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
            return Optional.empty();
        }
        Optional<ApiKey> found = db.read(c -> selectOne(c, "secret_sha256", sha256Hex(secret)));
        if (found.isEmpty() || !found.get().active()) {
            return Optional.empty();
        }
        ApiKey key = found.get();
        Instant now = EpochSeconds.truncate(clock.instant());
        Instant staleBefore = now.minus(LAST_USED_PRECISION);
        if (key.lastUsedAt() != null && key.lastUsedAt().isAfter(staleBefore)) {
            return found;
        }
        db.inTransaction(c -> {
            // Conditional, so concurrent requests with the same key record the use only once.
            try (PreparedStatement statement = c.prepareStatement(
                    "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)")) {
                EpochSeconds.bind(statement, 1, now);
                statement.setString(2, key.id());
                EpochSeconds.bind(statement, 3, staleBefore);
                return statement.executeUpdate();
            }
        });
        return Optional.of(new ApiKey(key.id(), key.projectId(), key.name(), key.redactedValue(),
                key.createdAt(), now, null, key.admin()));
    }

    /** All keys of all projects, oldest first. */
    public List<ApiKey> list() {
        return db.read(c -> selectMany(c, "SELECT " + COLUMNS + " FROM api_keys ORDER BY seq"));
    }

    /** A project's keys, oldest first. */
    public List<ApiKey> listByProject(String projectId) {
        return db.read(c -> selectMany(c,
                "SELECT " + COLUMNS + " FROM api_keys WHERE project_id = ? ORDER BY seq", projectId));
    }

    /** A page of a project's keys, for the paginated list endpoint. */
    public Page<ApiKey> listByProject(String projectId, PageRequest page) {
        return db.read(c -> PAGER.page(c, projectId, page));
    }

    /**
     * Revokes a key, named by its id; or, for operators at a terminal, by its full secret, its
     * redacted value ({@code sk-...abcd}) or a unique prefix of its id of at least 8 characters.
     * The last two match active keys only. Revoking a revoked key changes nothing and returns true.
     *
     * @return false if no key matches
     * @throws IllegalArgumentException if a redacted value or prefix matches several active keys
     */
    public boolean revoke(String keyIdOrRedactedOrPrefix) {
        if (keyIdOrRedactedOrPrefix == null || keyIdOrRedactedOrPrefix.isBlank()) {
            return false;
        }
        String reference = keyIdOrRedactedOrPrefix.strip();
        return db.inTransaction(c -> {
            Optional<ApiKey> key = resolve(c, reference);
            if (key.isEmpty()) {
                return false;
            }
            try (PreparedStatement statement = c.prepareStatement(
                    "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                EpochSeconds.bind(statement, 1, EpochSeconds.truncate(clock.instant()));
                statement.setString(2, key.get().id());
                statement.executeUpdate();
            }
            return true;
        });
    }

    /** Whether any key can authenticate; a server with none may run without authentication. */
    public boolean anyActive() {
        return db.read(c -> {
            try (PreparedStatement statement = c.prepareStatement(
                    "SELECT 1 FROM api_keys WHERE revoked_at IS NULL LIMIT 1");
                    ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        });
    }

    private Optional<ApiKey> resolve(Connection c, String reference) throws SQLException {
        if (reference.startsWith(SECRET_PREFIX)) {
            return selectOne(c, "secret_sha256", sha256Hex(reference));
        }
        Optional<ApiKey> byId = selectOne(c, "id", reference);
        if (byId.isPresent()) {
            return byId;
        }
        boolean usablePrefix = reference.startsWith(ID_PREFIX) && reference.length() >= MIN_ID_PREFIX_LENGTH;
        List<ApiKey> matches = new ArrayList<>();
        for (ApiKey key : selectMany(c, "SELECT " + COLUMNS + " FROM api_keys WHERE revoked_at IS NULL ORDER BY seq")) {
            if (key.redactedValue().equals(reference) || (usablePrefix && key.id().startsWith(reference))) {
                matches.add(key);
            }
        }
        if (matches.size() > 1) {
            throw new IllegalArgumentException("'" + reference + "' matches several keys ("
                    + matches.stream().map(ApiKey::id).toList() + "); revoke by id");
        }
        return matches.stream().findFirst();
    }

    private static void requireProject(Connection c, String projectId) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement("SELECT 1 FROM projects WHERE id = ?")) {
            statement.setString(1, projectId);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    throw new NotFoundException("No project with id '" + projectId + "'");
                }
            }
        }
    }

    /** {@code column} is one of our own unique columns, never caller input. */
    private static Optional<ApiKey> selectOne(Connection c, String column, String value) throws SQLException {
        List<ApiKey> keys = selectMany(c, "SELECT " + COLUMNS + " FROM api_keys WHERE " + column + " = ?", value);
        return keys.stream().findFirst();
    }

    private static List<ApiKey> selectMany(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setString(i + 1, params[i]);
            }
            List<ApiKey> keys = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    keys.add(MAPPER.map(row));
                }
            }
            return keys;
        }
    }

    static String redact(String secret) {
        return "sk-..." + secret.substring(secret.length() - 4);
    }

    static String sha256Hex(String secret) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK provides SHA-256", e);
        }
    }
}
