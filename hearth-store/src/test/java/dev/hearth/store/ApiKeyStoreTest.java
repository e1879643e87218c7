package dev.hearth.store;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyStoreTest {
    @TempDir
    Path dir;
    Database db;
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00.250Z"));
    ApiKeyStore keys;
    Project project;
    Project other;

    @BeforeEach
    void open() {
        db = Database.openSqlite(dir.resolve("hearth.db"));
        ProjectStore projects = new ProjectStore(db, clock);
        project = projects.create("main");
        other = projects.create("other");
        keys = new ApiKeyStore(db, clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void createReturnsTheSecretOnceAndARedactedKey() {
        CreatedApiKey created = keys.create(project.id(), "ci");

        assertThat(created.secret()).matches("sk-hearth-[0-9A-Za-z]{48}");
        ApiKey key = created.key();
        assertThat(key.id()).matches("key_[0-9A-Za-z]{24}");
        assertThat(key.projectId()).isEqualTo(project.id());
        assertThat(key.name()).isEqualTo("ci");
        assertThat(key.redactedValue()).isEqualTo("sk-..." + created.secret().substring(created.secret().length() - 4));
        assertThat(key.createdAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
        assertThat(key.lastUsedAt()).isNull();
        assertThat(key.active()).isTrue();
        assertThat(created.toString()).doesNotContain(created.secret());
        assertThat(keys.list()).containsExactly(key);
    }

    @Test
    void onlyTheSecretsHashReachesTheDatabaseFiles() throws IOException {
        CreatedApiKey created = keys.create(project.id(), "ci");
        String storedHash = db.read(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT secret_sha256 FROM api_keys")) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertThat(storedHash).isEqualTo(ApiKeyStore.sha256Hex(created.secret())).hasSize(64);

        // Look at every file SQLite writes (main file, WAL, shared memory), before and after close.
        String randomPart = created.secret().substring(ApiKeyStore.SECRET_PREFIX.length());
        assertThat(databaseBytes()).contains(storedHash).doesNotContain(randomPart);
        db.close();
        assertThat(databaseBytes()).contains(storedHash).doesNotContain(randomPart);
        db = Database.openSqlite(dir.resolve("hearth.db"));
    }

    @Test
    void authenticateAcceptsOnlyActiveKnownSecrets() {
        CreatedApiKey created = keys.create(project.id(), "ci");

        assertThat(keys.authenticate(created.secret())).get()
                .extracting(ApiKey::id, ApiKey::projectId).containsExactly(created.key().id(), project.id());
        assertThat(keys.authenticate("sk-hearth-" + "x".repeat(48))).isEmpty();
        assertThat(keys.authenticate(created.secret() + "x")).isEmpty();
        assertThat(keys.authenticate("not-a-key")).isEmpty();
        assertThat(keys.authenticate(null)).isEmpty();

        assertThat(keys.revoke(created.key().id())).isTrue();
        assertThat(keys.authenticate(created.secret())).isEmpty();
    }

    @Test
    void lastUsedIsRecordedAtMostOnceAMinute() {
        CreatedApiKey created = keys.create(project.id(), "ci");
        Instant firstUse = Instant.parse("2026-03-01T10:00:00Z");

        assertThat(keys.authenticate(created.secret()).orElseThrow().lastUsedAt()).isEqualTo(firstUse);
        clock.advance(Duration.ofSeconds(59));
        assertThat(keys.authenticate(created.secret()).orElseThrow().lastUsedAt()).isEqualTo(firstUse);
        assertThat(storedLastUsed()).isEqualTo(firstUse);

        clock.advance(Duration.ofSeconds(1));
        Instant minuteLater = Instant.parse("2026-03-01T10:01:00Z");
        assertThat(keys.authenticate(created.secret()).orElseThrow().lastUsedAt()).isEqualTo(minuteLater);
        assertThat(storedLastUsed()).isEqualTo(minuteLater);
    }

    @Test
    void listsAreOldestFirstAndScopedByProject() {
        ApiKey first = keys.create(project.id(), "first").key();
        ApiKey elsewhere = keys.create(other.id(), "elsewhere").key();
        ApiKey second = keys.create(project.id(), "second").key();

        assertThat(keys.list()).containsExactly(first, elsewhere, second);
        assertThat(keys.listByProject(project.id())).containsExactly(first, second);
        assertThat(keys.listByProject(other.id())).containsExactly(elsewhere);

        Page<ApiKey> newest = keys.listByProject(project.id(), PageRequest.first(1, SortOrder.DESC));
        assertThat(newest.data()).containsExactly(second);
        assertThat(newest.hasMore()).isTrue();
        Page<ApiKey> rest = keys.listByProject(project.id(), new PageRequest(newest.lastId(ApiKey::id), null, 10, SortOrder.DESC));
        assertThat(rest.data()).containsExactly(first);
        assertThat(rest.hasMore()).isFalse();
    }

    @Test
    void keysNeedAnExistingProject() {
        assertThatThrownBy(() -> keys.create("proj_missing", "x"))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("proj_missing");
        assertThat(keys.list()).isEmpty();
    }

    @Test
    void revokeByIdIsIdempotentAndKeepsTheFirstRevocationTime() {
        ApiKey key = keys.create(project.id(), "ci").key();
        Instant revokedAt = Instant.parse("2026-03-01T10:00:00Z");

        assertThat(keys.revoke(key.id())).isTrue();
        clock.advance(Duration.ofMinutes(5));
        assertThat(keys.revoke(key.id())).isTrue();

        ApiKey listed = keys.list().getFirst();
        assertThat(listed.revokedAt()).isEqualTo(revokedAt);
        assertThat(listed.active()).isFalse();
        assertThat(keys.revoke("key_unknown")).isFalse();
        assertThat(keys.revoke("")).isFalse();
    }

    @Test
    void revokeAcceptsTheSecretTheRedactedValueOrAnIdPrefix() {
        CreatedApiKey bySecret = keys.create(project.id(), "a");
        CreatedApiKey byRedacted = keys.create(project.id(), "b");
        CreatedApiKey byPrefix = keys.create(project.id(), "c");

        assertThat(keys.revoke("key_")).as("a prefix under 8 characters matches nothing").isFalse();
        assertThat(keys.list()).allMatch(ApiKey::active);

        assertThat(keys.revoke(bySecret.secret())).isTrue();
        assertThat(keys.revoke(byRedacted.key().redactedValue())).isTrue();
        assertThat(keys.revoke(byPrefix.key().id().substring(0, 10))).isTrue();

        assertThat(keys.list()).noneMatch(ApiKey::active);
    }

    @Test
    void revokeRefusesAReferenceMatchingSeveralActiveKeys() {
        insertKey("key_SAME0001", "sk-...abcd");
        insertKey("key_SAME0002", "sk-...abcd");

        assertThatThrownBy(() -> keys.revoke("key_SAME"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key_SAME0001");
        assertThatThrownBy(() -> keys.revoke("sk-...abcd")).isInstanceOf(IllegalArgumentException.class);
        assertThat(keys.list()).allMatch(ApiKey::active);

        // Once one is revoked by id, the rest of the reference is unambiguous again.
        assertThat(keys.revoke("key_SAME0001")).isTrue();
        assertThat(keys.revoke("sk-...abcd")).isTrue();
        assertThat(keys.anyActive()).isFalse();
    }

    @Test
    void anyActiveTellsWhetherAnyKeyStillAuthenticates() {
        assertThat(keys.anyActive()).isFalse();
        ApiKey key = keys.create(project.id(), "ci").key();
        assertThat(keys.anyActive()).isTrue();
        keys.revoke(key.id());
        assertThat(keys.anyActive()).isFalse();
    }

    private void insertKey(String id, String redacted) {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO api_keys (id, project_id, name, secret_sha256, redacted_value, created_at) VALUES (?, ?, '', ?, ?, 0)")) {
                s.setString(1, id);
                s.setString(2, project.id());
                s.setString(3, "hash-" + id);
                s.setString(4, redacted);
                return s.executeUpdate();
            }
        });
    }

    private Instant storedLastUsed() {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT last_used_at FROM api_keys")) {
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return Instant.ofEpochSecond(rs.getLong(1));
                }
            }
        });
    }

    private String databaseBytes() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                all.append(new String(Files.readAllBytes(file), ISO_8859_1));
            }
        }
        return all.toString();
    }

    @Test
    void adminKeysAreMarkedAndOrdinaryKeysAreNot() {
        CreatedApiKey admin = keys.create(project.id(), "ops", true);
        CreatedApiKey plain = keys.create(project.id(), "app");
        assertThat(keys.authenticate(admin.secret())).hasValueSatisfying(k -> assertThat(k.admin()).isTrue());
        assertThat(keys.authenticate(plain.secret())).hasValueSatisfying(k -> assertThat(k.admin()).isFalse());
        assertThat(keys.list()).filteredOn(ApiKey::admin).extracting(ApiKey::id).containsExactly(admin.key().id());
    }
}
