package dev.hearth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The store against a real PostgreSQL server. Runs only when HEARTH_PG_URL is set (for example
 * {@code jdbc:postgresql://localhost:5432/hearth}, with HEARTH_PG_USER and HEARTH_PG_PASSWORD);
 * otherwise JUnit reports it skipped. Each test works in a schema of its own, dropped afterwards.
 */
@Tag("postgres")
@EnabledIfEnvironmentVariable(named = "HEARTH_PG_URL", matches = ".+")
class PostgresStoreTest {
    static final String URL = System.getenv("HEARTH_PG_URL");
    static final String USER = System.getenv("HEARTH_PG_USER");
    static final String PASSWORD = System.getenv("HEARTH_PG_PASSWORD");

    String schema;
    Database db;
    MutableClock clock = new MutableClock();

    @BeforeEach
    void openInFreshSchema() throws SQLException {
        schema = "hearth_test_" + Ids.newId("", 12).toLowerCase(Locale.ROOT);
        execute("CREATE SCHEMA " + schema);
        db = open();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (db != null) {
            db.close();
        }
        execute("DROP SCHEMA " + schema + " CASCADE");
    }

    @Test
    void migratesOnceAndReopensWithoutChanges() {
        assertThat(db.dialect()).isEqualTo(Dialect.POSTGRES);
        assertThat(appliedMigrations()).containsExactly("1", "2", "3", "4", "5");
        new ProjectStore(db, clock).create("kept");
        db.close();

        db = open();

        assertThat(appliedMigrations()).containsExactly("1", "2", "3", "4", "5");
        assertThat(new ProjectStore(db, clock).findByName("kept")).isPresent();
    }

    @Test
    void storedCompletionsAndUsageRoundTrip() {
        Project p = new ProjectStore(db, clock).create("p");
        StoredCompletionStore store = new StoredCompletionStore(db, clock);
        java.time.Instant now = clock.instant();
        store.insert(new StoredCompletion("c1", p.id(), "tiny", now, StoredCompletionStore.expiry(now, 1), "[]", "{}",
                java.util.Map.of("k", "v", "a", "b")));
        store.insert(new StoredCompletion("c2", p.id(), "tiny", now, StoredCompletionStore.expiry(now, 30), "[]", "{}",
                java.util.Map.of("k", "v")));
        assertThat(store.list(p.id(), "tiny", java.util.Map.of("k", "v", "a", "b"), PageRequest.first(10, SortOrder.ASC))
                .data()).extracting(StoredCompletion::id).containsExactly("c1");
        assertThat(store.list(p.id(), null, java.util.Map.of("k", "v"), PageRequest.first(10, SortOrder.DESC)).data())
                .extracting(StoredCompletion::id).containsExactly("c2", "c1");
        assertThat(store.replaceMetadata(p.id(), "c2", java.util.Map.of("x", "y")).orElseThrow().metadata())
                .containsExactly(java.util.Map.entry("x", "y"));
        clock.advance(java.time.Duration.ofDays(1));
        assertThat(store.find(p.id(), "c1")).isEmpty();
        assertThat(store.purgeExpired(10)).isEqualTo(1);
        assertThat(store.delete(p.id(), "c2")).isTrue();
        assertThat(store.count()).isZero();

        UsageStore usage = new UsageStore(db);
        usage.add(p.id(), null, "tiny", "/v1/chat/completions", false, now, 3, 4);
        usage.add(p.id(), null, "tiny", "/v1/chat/completions", false, now, 1, 1);
        assertThat(usage.list(p.id())).singleElement().satisfies(u -> {
            assertThat(u.requests()).isEqualTo(2);
            assertThat(u.inputTokens()).isEqualTo(4);
            assertThat(u.outputTokens()).isEqualTo(5);
        });
    }

    @Test
    void projectsRoundTripAndNamesAreUnique() {
        ProjectStore projects = new ProjectStore(db, clock);
        Project project = projects.create("research");

        assertThatThrownBy(() -> projects.create("research")).isInstanceOf(ConflictException.class);
        assertThat(projects.getOrCreate("research")).isEqualTo(project);

        Project updated = projects.updateSettings(project.id(), 5, true, List.of("b", "a"));
        assertThat(updated).isEqualTo(new Project(project.id(), "research", 5, true, List.of("b", "a"), project.createdAt(), null));
        assertThat(projects.list()).containsExactly(updated);
    }

    @Test
    void keysAuthenticateUntilRevoked() {
        Project project = new ProjectStore(db, clock).create("p");
        ApiKeyStore keys = new ApiKeyStore(db, clock);
        CreatedApiKey created = keys.create(project.id(), "ci");

        assertThat(keys.authenticate(created.secret()).map(ApiKey::id)).contains(created.key().id());
        assertThat(keys.anyActive()).isTrue();
        assertThat(keys.revoke(created.key().redactedValue())).isTrue();
        assertThat(keys.authenticate(created.secret())).isEmpty();
        assertThat(keys.anyActive()).isFalse();
        assertThatThrownBy(() -> keys.create("proj_missing", "x")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void pagesWithinTheProjectInBothDirections() {
        ProjectStore projects = new ProjectStore(db, clock);
        Project a = projects.create("a");
        Project b = projects.create("b");
        ApiKeyStore keys = new ApiKeyStore(db, clock);
        List<String> aIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            aIds.add(keys.create(a.id(), "a" + i).key().id());
            keys.create(b.id(), "b" + i);
        }

        Page<ApiKey> newest = keys.listByProject(a.id(), PageRequest.first(2, SortOrder.DESC));
        assertThat(newest.data()).extracting(ApiKey::id).containsExactly(aIds.get(4), aIds.get(3));
        assertThat(newest.hasMore()).isTrue();
        Page<ApiKey> next = keys.listByProject(a.id(), new PageRequest(newest.lastId(ApiKey::id), null, 5, SortOrder.DESC));
        assertThat(next.data()).extracting(ApiKey::id).containsExactly(aIds.get(2), aIds.get(1), aIds.get(0));
        assertThat(next.hasMore()).isFalse();
        Page<ApiKey> before = keys.listByProject(a.id(), new PageRequest(null, aIds.get(3), 2, SortOrder.ASC));
        assertThat(before.data()).extracting(ApiKey::id).containsExactly(aIds.get(1), aIds.get(2));
        assertThat(before.hasMore()).isTrue();

        String bKey = keys.listByProject(b.id()).getFirst().id();
        assertThatThrownBy(() -> keys.listByProject(a.id(), new PageRequest(bKey, null, 2, SortOrder.ASC)))
                .isInstanceOfSatisfying(InvalidPageRequest.class, e -> assertThat(e.param()).isEqualTo("after"));
    }

    @Test
    void nestedTransactionsRollBackTogether() {
        ProjectStore projects = new ProjectStore(db, clock);
        assertThatThrownBy(() -> db.inTransaction(c -> {
            projects.create("inner");
            throw new IllegalStateException("abort");
        })).hasMessage("abort");
        assertThat(projects.findByName("inner")).isEmpty();
    }

    @Test
    void concurrentWritersFromVirtualThreadsAllSucceed() throws Exception {
        ProjectStore projects = new ProjectStore(db, clock);
        ApiKeyStore keys = new ApiKeyStore(db, clock);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int thread = t;
                results.add(executor.submit(() -> {
                    Project project = projects.create("p" + thread);
                    for (int i = 0; i < 10; i++) {
                        keys.create(project.id(), "k" + i);
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get();
            }
        }
        assertThat(keys.list()).hasSize(160);
    }

    private Database open() {
        String separator = URL.contains("?") ? "&" : "?";
        return Database.open(URL + separator + "currentSchema=" + schema, USER, PASSWORD);
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD)) {
            c.createStatement().execute(sql);
        }
    }

    private List<String> appliedMigrations() {
        return db.read(c -> {
            List<String> versions = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery(
                    "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank")) {
                while (rs.next()) {
                    versions.add(rs.getString(1));
                }
            }
            return versions;
        });
    }
}
