package dev.hearth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Creates, finds and configures {@link Project}s. Project names are unique. */
public final class ProjectStore {
    public static final int DEFAULT_RETENTION_DAYS = 30;
    static final String ID_PREFIX = "proj_";

    private static final String COLUMNS = "id, name, retention_days, zero_data_retention, created_at, archived_at";
    private static final String INSERT_COLUMNS = "id, name, retention_days, zero_data_retention, created_at";

    /** Rows are mapped without their allowed models; {@link #page} adds them in one query. */
    private static final KeysetPager<Project> PAGER = KeysetPager.unscoped("projects", COLUMNS, row -> map(row, List.of()));

    private final Database db;
    private final InstantSource clock;

    public ProjectStore(Database db, InstantSource clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates a project with the default policies: {@value #DEFAULT_RETENTION_DAYS} days'
     * retention, zero data retention off, all models allowed.
     *
     * @throws ConflictException if a project with this name exists
     * @throws IllegalArgumentException if the name is blank
     */
    public Project create(String name) {
        String validName = validName(name);
        try {
            return db.inTransaction(c -> insert(c, validName));
        } catch (ConflictException e) {
            throw new ConflictException("A project named '" + validName + "' already exists", e);
        }
    }

    public Optional<Project> findById(String id) {
        return db.read(c -> selectOne(c, "id", id));
    }

    /** Looks the name up as {@link #create} stores it: without surrounding whitespace. */
    public Optional<Project> findByName(String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        return db.read(c -> selectOne(c, "name", name.strip()));
    }

    /** The project with this name, created with default policies if there is none yet. */
    public Project getOrCreate(String name) {
        String validName = validName(name);
        try {
            return db.inTransaction(c -> {
                Optional<Project> existing = selectOne(c, "name", validName);
                return existing.isPresent() ? existing.get() : insert(c, validName);
            });
        } catch (ConflictException raced) {
            // Another replica created it between our lookup and insert (PostgreSQL only: on
            // SQLite the single write connection makes lookup-then-insert atomic).
            return findByName(validName).orElseThrow(() -> raced);
        }
    }

    /** All projects, oldest first. */
    public List<Project> list() {
        return db.read(c -> {
            Map<String, List<String>> models = allowedModelsByProject(c);
            List<Project> projects = new ArrayList<>();
            try (PreparedStatement statement = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM projects ORDER BY seq");
                    ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    projects.add(map(row, models.getOrDefault(row.getString("id"), List.of())));
                }
            }
            return projects;
        });
    }

    /**
     * Changes a project's policies; a null argument leaves that setting as it is. An empty
     * {@code allowedModels} allows every model; duplicates are dropped, order is kept.
     *
     * @throws NotFoundException if there is no such project
     * @throws IllegalArgumentException if retentionDays is below 1 or a model name is blank
     */
    public Project updateSettings(String id, Integer retentionDays, Boolean zdr, List<String> allowedModels) {
        if (retentionDays != null && retentionDays < 1) {
            throw new IllegalArgumentException("retentionDays must be at least 1, got " + retentionDays);
        }
        List<String> models = allowedModels == null ? null : validModels(allowedModels);
        return db.inTransaction(c -> {
            Project current = selectOne(c, "id", id)
                    .orElseThrow(() -> new NotFoundException("No project with id '" + id + "'"));
            try (PreparedStatement statement = c.prepareStatement(
                    "UPDATE projects SET retention_days = ?, zero_data_retention = ? WHERE id = ?")) {
                statement.setInt(1, retentionDays != null ? retentionDays : current.retentionDays());
                statement.setBoolean(2, zdr != null ? zdr : current.zeroDataRetention());
                statement.setString(3, id);
                statement.executeUpdate();
            }
            if (models != null) {
                replaceAllowedModels(c, id, models);
            }
            return selectOne(c, "id", id).orElseThrow();
        });
    }

    /**
     * A page of projects in creation order, for the organization's list endpoint. Archived ones
     * only when asked for.
     */
    public Page<Project> page(PageRequest request, boolean includeArchived) {
        SqlFilter filter = includeArchived ? SqlFilter.NONE : SqlFilter.of("archived_at IS NULL");
        return db.read(c -> {
            Page<Project> page = PAGER.page(c, filter, request);
            Map<String, List<String>> models = allowedModelsByProject(c);
            return new Page<>(page.data().stream()
                    .map(p -> withModels(p, models.getOrDefault(p.id(), List.of()))).toList(), page.hasMore());
        });
    }

    /**
     * Renames a project.
     *
     * @throws NotFoundException if there is no such project
     * @throws ConflictException if another project has the name
     */
    public Project rename(String id, String name) {
        String validName = validName(name);
        try {
            return db.inTransaction(c -> {
                try (PreparedStatement statement = c.prepareStatement("UPDATE projects SET name = ? WHERE id = ?")) {
                    statement.setString(1, validName);
                    statement.setString(2, id);
                    if (statement.executeUpdate() == 0) {
                        throw new NotFoundException("No project with id '" + id + "'");
                    }
                }
                return selectOne(c, "id", id).orElseThrow();
            });
        } catch (ConflictException e) {
            throw new ConflictException("A project named '" + validName + "' already exists", e);
        }
    }

    /**
     * Archives a project: it stays, with its objects, but is no longer listed by default. Archiving
     * an archived project keeps its first archive time.
     *
     * @throws NotFoundException if there is no such project
     */
    public Project archive(String id) {
        return db.inTransaction(c -> {
            try (PreparedStatement statement = c.prepareStatement(
                    "UPDATE projects SET archived_at = COALESCE(archived_at, ?) WHERE id = ?")) {
                EpochSeconds.bind(statement, 1, EpochSeconds.truncate(clock.instant()));
                statement.setString(2, id);
                if (statement.executeUpdate() == 0) {
                    throw new NotFoundException("No project with id '" + id + "'");
                }
            }
            return selectOne(c, "id", id).orElseThrow();
        });
    }

    private static Project withModels(Project p, List<String> models) {
        return new Project(p.id(), p.name(), p.retentionDays(), p.zeroDataRetention(), models, p.createdAt(), p.archivedAt());
    }

    private Project insert(Connection c, String name) throws SQLException {
        Project project = new Project(Ids.newId(ID_PREFIX), name, DEFAULT_RETENTION_DAYS, false, List.of(),
                EpochSeconds.truncate(clock.instant()), null);
        try (PreparedStatement statement = c.prepareStatement(
                "INSERT INTO projects (" + INSERT_COLUMNS + ") VALUES (?, ?, ?, ?, ?)")) {
            statement.setString(1, project.id());
            statement.setString(2, project.name());
            statement.setInt(3, project.retentionDays());
            statement.setBoolean(4, project.zeroDataRetention());
            EpochSeconds.bind(statement, 5, project.createdAt());
            statement.executeUpdate();
        }
        return project;
    }

    /** {@code column} is one of our own unique columns, never caller input. */
    private static Optional<Project> selectOne(Connection c, String column, String value) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM projects WHERE " + column + " = ?")) {
            statement.setString(1, value);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(map(row, allowedModels(c, row.getString("id"))));
            }
        }
    }

    private static Project map(ResultSet row, List<String> allowedModels) throws SQLException {
        return new Project(row.getString("id"), row.getString("name"), row.getInt("retention_days"),
                row.getBoolean("zero_data_retention"), allowedModels, EpochSeconds.read(row, "created_at"),
                EpochSeconds.readNullable(row, "archived_at"));
    }

    private static List<String> allowedModels(Connection c, String projectId) throws SQLException {
        List<String> models = new ArrayList<>();
        try (PreparedStatement statement = c.prepareStatement(
                "SELECT model FROM project_allowed_models WHERE project_id = ? ORDER BY position")) {
            statement.setString(1, projectId);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    models.add(row.getString("model"));
                }
            }
        }
        return models;
    }

    private static Map<String, List<String>> allowedModelsByProject(Connection c) throws SQLException {
        Map<String, List<String>> models = new HashMap<>();
        try (PreparedStatement statement = c.prepareStatement(
                "SELECT project_id, model FROM project_allowed_models ORDER BY project_id, position");
                ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                models.computeIfAbsent(row.getString("project_id"), _ -> new ArrayList<>()).add(row.getString("model"));
            }
        }
        return models;
    }

    private static void replaceAllowedModels(Connection c, String projectId, List<String> models) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM project_allowed_models WHERE project_id = ?")) {
            delete.setString(1, projectId);
            delete.executeUpdate();
        }
        if (models.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO project_allowed_models (project_id, position, model) VALUES (?, ?, ?)")) {
            for (int i = 0; i < models.size(); i++) {
                insert.setString(1, projectId);
                insert.setInt(2, i);
                insert.setString(3, models.get(i));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static String validName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Project name must not be blank");
        }
        return name.strip();
    }

    private static List<String> validModels(List<String> models) {
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (String model : models) {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("Allowed model names must not be blank: " + models);
            }
            unique.add(model.strip());
        }
        return List.copyOf(unique);
    }
}
