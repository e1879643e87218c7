package dev.hearth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pages over api_keys rows inserted directly: project A holds a1..a7 and project B holds b1..b3,
 * interleaved so that A's seq values have gaps.
 */
class KeysetPagerTest {
    record Row(String id, String projectId) {}

    static final KeysetPager<Row> PAGER =
            new KeysetPager<>("api_keys", "id, project_id", r -> new Row(r.getString("id"), r.getString("project_id")));
    static final List<String> A = List.of("a1", "a2", "a3", "a4", "a5", "a6", "a7");

    @TempDir
    static Path dir;
    static Database db;

    @BeforeAll
    static void seed() {
        db = Database.openSqlite(dir.resolve("pager.db"));
        db.inTransaction(c -> {
            for (String project : List.of("A", "B")) {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO projects (id, name, retention_days, zero_data_retention, created_at) VALUES (?, ?, 30, 0, 0)")) {
                    s.setString(1, project);
                    s.setString(2, project);
                    s.executeUpdate();
                }
            }
            List<String> inserts = List.of("a1", "b1", "a2", "a3", "b2", "a4", "a5", "a6", "b3", "a7");
            for (String id : inserts) {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO api_keys (id, project_id, name, secret_sha256, redacted_value, created_at)"
                                + " VALUES (?, ?, '', ?, '', 0)")) {
                    s.setString(1, id);
                    s.setString(2, id.startsWith("a") ? "A" : "B");
                    s.setString(3, "hash-" + id);
                    s.executeUpdate();
                }
            }
            return null;
        });
    }

    @AfterAll
    static void close() {
        db.close();
    }

    static Page<Row> page(String projectId, String after, String before, int limit, SortOrder order) {
        return db.read(c -> PAGER.page(c, projectId, new PageRequest(after, before, limit, order)));
    }

    static List<String> ids(Page<Row> page) {
        return page.data().stream().map(Row::id).toList();
    }

    @Test
    void firstPageIsNewestFirstByDefault() {
        Page<Row> page = db.read(c -> PAGER.page(c, "A", PageRequest.of(null, null, null, null, 3, 100)));
        assertThat(ids(page)).containsExactly("a7", "a6", "a5");
        assertThat(page.hasMore()).isTrue();
        assertThat(page.firstId(Row::id)).isEqualTo("a7");
        assertThat(page.lastId(Row::id)).isEqualTo("a5");
    }

    @Test
    void ascendingFirstPageIsOldestFirst() {
        Page<Row> page = page("A", null, null, 3, SortOrder.ASC);
        assertThat(ids(page)).containsExactly("a1", "a2", "a3");
        assertThat(page.hasMore()).isTrue();
    }

    @Test
    void pageHoldingEveryRemainingRowHasNoMore() {
        assertThat(page("A", null, null, 7, SortOrder.DESC).hasMore()).isFalse();
        assertThat(page("A", null, null, 6, SortOrder.DESC).hasMore()).isTrue();
        Page<Row> tail = page("A", "a3", null, 2, SortOrder.DESC);
        assertThat(ids(tail)).containsExactly("a2", "a1");
        assertThat(tail.hasMore()).isFalse();
    }

    @Test
    void walkingWithAfterVisitsEveryRowOnceInEitherOrder() {
        assertThat(walkForward(SortOrder.ASC, 2)).isEqualTo(A);
        assertThat(walkForward(SortOrder.DESC, 3)).isEqualTo(A.reversed());
    }

    @Test
    void walkingWithBeforeVisitsEveryRowOnceInEitherOrder() {
        assertThat(walkBackward(SortOrder.ASC, 2, "a7")).isEqualTo(A.subList(0, 6));
        assertThat(walkBackward(SortOrder.DESC, 3, "a1")).isEqualTo(A.reversed().subList(0, 6));
    }

    @Test
    void beforeReturnsTheRowsNearestTheCursorInRequestedOrder() {
        Page<Row> desc = page("A", null, "a2", 2, SortOrder.DESC);
        assertThat(ids(desc)).containsExactly("a4", "a3");
        assertThat(desc.hasMore()).isTrue(); // a5..a7 lie further before

        Page<Row> asc = page("A", null, "a5", 2, SortOrder.ASC);
        assertThat(ids(asc)).containsExactly("a3", "a4");
        assertThat(asc.hasMore()).isTrue();

        Page<Row> start = page("A", null, "a5", 3, SortOrder.DESC);
        assertThat(ids(start)).containsExactly("a7", "a6");
        assertThat(start.hasMore()).isFalse();
    }

    @Test
    void pastTheEndIsAnEmptyPage() {
        Page<Row> page = page("A", "a1", null, 5, SortOrder.DESC);
        assertThat(page.data()).isEmpty();
        assertThat(page.hasMore()).isFalse();
        assertThat(page.firstId(Row::id)).isNull();
        assertThat(page.lastId(Row::id)).isNull();
    }

    @Test
    void projectsOnlySeeTheirOwnRows() {
        assertThat(ids(page("B", null, null, 100, SortOrder.ASC))).containsExactly("b1", "b2", "b3");
        assertThat(ids(page("A", null, null, 100, SortOrder.ASC))).isEqualTo(A);
        assertThat(ids(page("A", "a2", null, 100, SortOrder.ASC))).doesNotContain("b2", "b3");
        assertThat(page("nobody", null, null, 100, SortOrder.ASC).data()).isEmpty();
    }

    @Test
    void cursorFromAnotherProjectIsRejectedOnItsParam() {
        assertThatThrownBy(() -> page("A", "b2", null, 5, SortOrder.DESC))
                .isInstanceOfSatisfying(InvalidPageRequest.class, e -> assertThat(e.param()).isEqualTo("after"));
        assertThatThrownBy(() -> page("A", null, "missing", 5, SortOrder.DESC))
                .isInstanceOfSatisfying(InvalidPageRequest.class, e -> assertThat(e.param()).isEqualTo("before"))
                .hasMessageContaining("missing");
    }

    @Test
    void extraFilterNarrowsThePageAndHasMore() {
        SqlFilter notA6OrA7 = SqlFilter.of("id NOT IN (?, ?)", "a6", "a7");
        Page<Row> page = db.read(c -> PAGER.page(c, "A", notA6OrA7, new PageRequest(null, null, 5, SortOrder.DESC)));
        assertThat(ids(page)).containsExactly("a5", "a4", "a3", "a2", "a1");
        assertThat(page.hasMore()).isFalse();
        // The cursor need not match the filter: it only marks a position.
        Page<Row> afterA7 = db.read(c -> PAGER.page(c, "A", notA6OrA7, new PageRequest("a7", null, 2, SortOrder.DESC)));
        assertThat(ids(afterA7)).containsExactly("a5", "a4");
    }

    @Test
    void onlyPlainIdentifiersBecomeSql() {
        assertThatThrownBy(() -> new KeysetPager<>("api_keys; DROP TABLE projects", "id", r -> r))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KeysetPager<>("api_keys", "id, (SELECT 1)", r -> r))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SqlFilter.of("id = ?"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("placeholder");
    }

    private static List<String> walkForward(SortOrder order, int limit) {
        List<String> seen = new ArrayList<>();
        String after = null;
        Page<Row> page;
        do {
            page = page("A", after, null, limit, order);
            seen.addAll(ids(page));
            after = page.lastId(Row::id);
        } while (page.hasMore());
        return seen;
    }

    /** Walks from {@code start} toward the beginning of the list, returning rows in list order. */
    private static List<String> walkBackward(SortOrder order, int limit, String start) {
        List<String> seen = new ArrayList<>();
        String before = start;
        Page<Row> page;
        do {
            page = page("A", null, before, limit, order);
            seen.addAll(0, ids(page));
            before = page.firstId(Row::id);
        } while (page.hasMore());
        return seen;
    }
}
