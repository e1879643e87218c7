package dev.hearth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredCompletionStoreTest {
    @TempDir
    Path dir;
    Database db;
    MutableClock clock;
    StoredCompletionStore store;
    String a;
    String b;

    @BeforeEach
    void open() {
        db = Database.openSqlite(dir.resolve("stored.db"));
        clock = new MutableClock();
        store = new StoredCompletionStore(db, clock);
        ProjectStore projects = new ProjectStore(db, clock);
        a = projects.create("a").id();
        b = projects.create("b").id();
    }

    @AfterEach
    void close() {
        db.close();
    }

    StoredCompletion completion(String project, String id, String model, Map<String, String> metadata, int days) {
        Instant now = clock.instant();
        return new StoredCompletion(id, project, model, now, StoredCompletionStore.expiry(now, days),
                "[{\"role\":\"user\",\"content\":\"hi " + id + "\"}]", "{\"id\":\"" + id + "\"}", metadata);
    }

    List<String> ids(Page<StoredCompletion> page) {
        return page.data().stream().map(StoredCompletion::id).toList();
    }

    @Test
    void storesFindsAndScopesToTheProject() {
        store.insert(completion(a, "c1", "tiny", Map.of("k", "v", "a", "b"), 30));
        StoredCompletion found = store.find(a, "c1").orElseThrow();
        assertThat(found.requestMessages()).contains("hi c1");
        assertThat(found.response()).isEqualTo("{\"id\":\"c1\"}");
        assertThat(found.metadata()).containsExactly(Map.entry("a", "b"), Map.entry("k", "v"));
        assertThat(found.createdAt()).isEqualTo(Instant.ofEpochSecond(clock.instant().getEpochSecond()));
        assertThat(store.find(b, "c1")).isEmpty();
        assertThat(store.replaceMetadata(b, "c1", Map.of())).isEmpty();
        assertThat(store.delete(b, "c1")).isFalse();
        assertThat(ids(store.list(b, null, Map.of(), PageRequest.first(10, SortOrder.ASC)))).isEmpty();
        assertThatThrownBy(() -> store.list(b, null, Map.of(), new PageRequest("c1", null, 10, SortOrder.ASC)))
                .isInstanceOf(InvalidPageRequest.class);
    }

    @Test
    void filtersByModelAndEveryMetadataPairAndPagesBothWays() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Map<String, String> md = Map.of("user", "u" + (i % 3), "tier", i % 2 == 0 ? "even" : "odd");
            String id = "c" + i;
            store.insert(completion(i % 5 == 0 ? b : a, id, i % 7 == 0 ? "other" : "tiny", md, 30));
            if (i % 5 != 0 && i % 3 == 1 && i % 2 == 0 && i % 7 != 0) {
                expected.add(id);
            }
        }
        Map<String, String> filter = Map.of("user", "u1", "tier", "even");
        assertThat(ids(store.list(a, "tiny", filter, PageRequest.first(100, SortOrder.ASC)))).isEqualTo(expected);
        Page<StoredCompletion> first = store.list(a, "tiny", filter, PageRequest.first(1, SortOrder.ASC));
        assertThat(ids(first)).containsExactly(expected.get(0));
        assertThat(first.hasMore()).isTrue();
        Page<StoredCompletion> rest = store.list(a, "tiny", filter,
                new PageRequest(expected.get(0), null, 100, SortOrder.ASC));
        assertThat(ids(rest)).isEqualTo(expected.subList(1, expected.size()));
        assertThat(rest.hasMore()).isFalse();
        List<String> reversed = new ArrayList<>(expected);
        java.util.Collections.reverse(reversed);
        assertThat(ids(store.list(a, "tiny", filter, PageRequest.first(100, SortOrder.DESC)))).isEqualTo(reversed);
        assertThat(store.list(a, null, Map.of("user", "u1"), PageRequest.first(100, SortOrder.ASC)).data())
                .allSatisfy(c -> assertThat(c.metadata()).containsEntry("user", "u1"));
        assertThat(store.list(a, null, Map.of("user", "nobody"), PageRequest.first(100, SortOrder.ASC)).data()).isEmpty();
    }

    @Test
    void replacesMetadataAndDeletes() {
        store.insert(completion(a, "c1", "tiny", Map.of("k", "v"), 30));
        assertThat(store.replaceMetadata(a, "c1", Map.of("x", "y")).orElseThrow().metadata()).containsExactly(Map.entry("x", "y"));
        assertThat(ids(store.list(a, null, Map.of("k", "v"), PageRequest.first(10, SortOrder.ASC)))).isEmpty();
        assertThat(ids(store.list(a, null, Map.of("x", "y"), PageRequest.first(10, SortOrder.ASC)))).containsExactly("c1");
        assertThat(store.delete(a, "c1")).isTrue();
        assertThat(store.find(a, "c1")).isEmpty();
        assertThat(store.delete(a, "c1")).isFalse();
        assertThat(ids(store.list(a, null, Map.of("x", "y"), PageRequest.first(10, SortOrder.ASC)))).isEmpty();
    }

    @Test
    void expiredCompletionsVanishAtOnceAndThePurgeRemovesThemInBatches() {
        for (int i = 0; i < 5; i++) {
            store.insert(completion(a, "short" + i, "tiny", Map.of("k", "v"), 1));
        }
        store.insert(completion(a, "long", "tiny", Map.of("k", "v"), 30));
        clock.advance(Duration.ofDays(1));
        assertThat(store.find(a, "short0")).isEmpty();
        assertThat(ids(store.list(a, null, Map.of("k", "v"), PageRequest.first(10, SortOrder.ASC)))).containsExactly("long");
        assertThat(store.count()).isEqualTo(6);
        assertThat(store.purgeExpired(2)).isEqualTo(2);
        assertThat(store.purgeExpired(2)).isEqualTo(2);
        assertThat(store.purgeExpired(2)).isEqualTo(1);
        assertThat(store.purgeExpired(2)).isZero();
        assertThat(store.count()).isEqualTo(1);
        int metadataRows = db.read(c -> {
            try (var st = c.prepareStatement("SELECT COUNT(*) FROM stored_completion_metadata"); var rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
        assertThat(metadataRows).isEqualTo(1);
    }

    @Test
    void usageAddsUpPerBucketKeyAndModel() {
        UsageStore usage = new UsageStore(db);
        Instant t = Instant.parse("2026-01-01T00:00:10Z");
        usage.add(a, "key_1", "tiny", "/v1/chat/completions", false, t, 10, 5);
        usage.add(a, "key_1", "tiny", "/v1/chat/completions", false, t.plusSeconds(30), 1, 2);
        usage.add(a, null, "tiny", "/v1/chat/completions", true, t, 3, 4);
        usage.add(a, "key_1", "tiny", "/v1/chat/completions", false, t.plusSeconds(60), 7, 0);
        assertThat(usage.list(b)).isEmpty();
        assertThat(usage.list(a)).containsExactly(
                new UsageStore.Usage(a, Instant.parse("2026-01-01T00:00:00Z"), "", "tiny", "/v1/chat/completions", true, 1, 3, 4),
                new UsageStore.Usage(a, Instant.parse("2026-01-01T00:00:00Z"), "key_1", "tiny", "/v1/chat/completions", false, 2, 11, 7),
                new UsageStore.Usage(a, Instant.parse("2026-01-01T00:01:00Z"), "key_1", "tiny", "/v1/chat/completions", false, 1, 7, 0));
    }
}
