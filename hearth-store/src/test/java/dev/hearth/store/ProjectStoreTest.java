package dev.hearth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectStoreTest {
    @TempDir
    Path dir;
    Database db;
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00.900Z"));
    ProjectStore projects;

    @BeforeEach
    void open() {
        db = Database.openSqlite(dir.resolve("hearth.db"));
        projects = new ProjectStore(db, clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void createAppliesDefaultPoliciesAndWholeSecondTimestamp() {
        Project project = projects.create("research");

        assertThat(project.id()).matches("proj_[0-9A-Za-z]{24}");
        assertThat(project.name()).isEqualTo("research");
        assertThat(project.retentionDays()).isEqualTo(30);
        assertThat(project.zeroDataRetention()).isFalse();
        assertThat(project.allowedModels()).isEmpty();
        assertThat(project.allowsModel("any-model")).isTrue();
        assertThat(project.createdAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
        assertThat(projects.findById(project.id())).contains(project);
        assertThat(projects.findByName("research")).contains(project);
    }

    @Test
    void namesAreUniqueAndMustNotBeBlank() {
        projects.create("research");
        assertThatThrownBy(() -> projects.create(" research "))
                .isInstanceOf(ConflictException.class).hasMessageContaining("research");
        assertThatThrownBy(() -> projects.create("  ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(projects.list()).hasSize(1);
    }

    @Test
    void unknownProjectsAreNotFound() {
        assertThat(projects.findById("proj_missing")).isEmpty();
        assertThat(projects.findByName("missing")).isEmpty();
        assertThat(projects.findByName(null)).isEmpty();
    }

    @Test
    void getOrCreateReturnsTheExistingProject() {
        Project first = projects.getOrCreate("default");
        clock.advance(Duration.ofHours(1));
        Project second = projects.getOrCreate("default");

        assertThat(second).isEqualTo(first);
        assertThat(projects.list()).containsExactly(first);
    }

    @Test
    void listIsOldestFirstWithEachProjectsModels() {
        Project a = projects.create("a");
        Project b = projects.create("b");
        Project c = projects.create("c");
        b = projects.updateSettings(b.id(), null, null, List.of("gpt-4o-mini"));

        assertThat(projects.list()).containsExactly(a, b, c);
    }

    @Test
    void updateSettingsChangesOnlyWhatIsGiven() {
        Project project = projects.create("p");

        Project retention = projects.updateSettings(project.id(), 7, null, null);
        assertThat(retention).isEqualTo(new Project(project.id(), "p", 7, false, List.of(), project.createdAt(), null));

        Project zdr = projects.updateSettings(project.id(), null, true, null);
        assertThat(zdr.retentionDays()).isEqualTo(7);
        assertThat(zdr.zeroDataRetention()).isTrue();

        assertThat(projects.findById(project.id())).contains(zdr);
    }

    @Test
    void allowedModelsAreReplacedDedupedInOrderAndClearedByAnEmptyList() {
        Project project = projects.create("p");

        Project restricted = projects.updateSettings(project.id(), null, null, List.of("b-model", "a-model", "b-model"));
        assertThat(restricted.allowedModels()).containsExactly("b-model", "a-model");
        assertThat(restricted.allowsModel("a-model")).isTrue();
        assertThat(restricted.allowsModel("c-model")).isFalse();

        Project replaced = projects.updateSettings(project.id(), null, null, List.of("c-model"));
        assertThat(projects.findById(project.id()).orElseThrow().allowedModels()).containsExactly("c-model");
        assertThat(replaced.allowedModels()).containsExactly("c-model");

        Project open = projects.updateSettings(project.id(), null, null, List.of());
        assertThat(open.allowedModels()).isEmpty();
        assertThat(open.allowsModel("anything")).isTrue();
    }

    @Test
    void invalidSettingsAreRejectedWithoutChangingTheProject() {
        Project project = projects.create("p");

        assertThatThrownBy(() -> projects.updateSettings(project.id(), 0, true, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> projects.updateSettings(project.id(), null, true, List.of("ok", " ")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> projects.updateSettings("proj_missing", 5, null, null))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("proj_missing");

        assertThat(projects.findById(project.id())).contains(project);
    }

    @Test
    void renameArchiveAndPageProjects() {
        Project a = projects.create("a");
        Project b = projects.create("b");
        Project c = projects.create("c");
        projects.updateSettings(b.id(), null, null, List.of("gpt-4o-mini"));

        assertThat(projects.rename(a.id(), "alpha").name()).isEqualTo("alpha");
        assertThatThrownBy(() -> projects.rename(a.id(), "b")).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> projects.rename("proj_nope", "x")).isInstanceOf(NotFoundException.class);

        Project archived = projects.archive(c.id());
        assertThat(archived.archivedAt()).isNotNull();
        assertThat(projects.archive(c.id()).archivedAt()).isEqualTo(archived.archivedAt());

        Page<Project> active = projects.page(PageRequest.of(null, null, 10, "asc", 20, 100), false);
        assertThat(active.data()).extracting(Project::name).containsExactly("alpha", "b");
        assertThat(active.data().get(1).allowedModels()).containsExactly("gpt-4o-mini");
        Page<Project> all = projects.page(PageRequest.of(null, null, 2, "asc", 20, 100), true);
        assertThat(all.data()).extracting(Project::name).containsExactly("alpha", "b");
        assertThat(all.hasMore()).isTrue();
        Page<Project> next = projects.page(PageRequest.of(b.id(), null, 2, "asc", 20, 100), true);
        assertThat(next.data()).extracting(Project::name).containsExactly("c");
        assertThat(next.hasMore()).isFalse();
        Page<Project> newestFirst = projects.page(PageRequest.of(null, null, 1, "desc", 20, 100), true);
        assertThat(newestFirst.data()).extracting(Project::name).containsExactly("c");
    }
}
