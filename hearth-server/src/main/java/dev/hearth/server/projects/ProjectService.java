package dev.hearth.server.projects;

import dev.hearth.api.common.ListPage;
import dev.hearth.api.projects.Project;
import dev.hearth.api.projects.ProjectCreateRequest;
import dev.hearth.api.projects.ProjectUpdateRequest;
import dev.hearth.server.auth.Authenticator;
import dev.hearth.server.http.ApiException;
import dev.hearth.store.Page;
import dev.hearth.store.PageRequest;
import dev.hearth.store.ProjectStore;

/** Project administration: validation and the mapping between stored and wire projects. */
public final class ProjectService {
  static final int MAX_NAME_LENGTH = 256;

  private final ProjectStore projects;

  public ProjectService(ProjectStore projects) {
    this.projects = projects;
  }

  public ListPage<Project> list(PageRequest page, boolean includeArchived) {
    Page<dev.hearth.store.Project> stored = projects.page(page, includeArchived);
    return ListPage.of(stored.data().stream().map(ProjectService::toWire).toList(), stored.hasMore(), Project::id);
  }

  public Project create(ProjectCreateRequest request) {
    String name = validName(request.name());
    rejectUnsupported(request.residency(), "residency");
    rejectUnsupported(request.externalKeyId(), "external_key_id");
    if (projects.findByName(name).isPresent()) {
      throw ApiException.invalidRequest("name", "A project named '" + name + "' already exists.", "project_exists");
    }
    return toWire(projects.create(name));
  }

  public Project retrieve(String id) {
    return toWire(find(id));
  }

  public Project update(String id, ProjectUpdateRequest request) {
    dev.hearth.store.Project project = find(id);
    rejectUnsupported(request.externalKeyId(), "external_key_id");
    if (request.name() == null) {
      return toWire(project);
    }
    String name = validName(request.name());
    if (project.name().equals(Authenticator.DEFAULT_PROJECT)) {
      throw ApiException.invalidRequest("name", "The default project cannot be renamed.");
    }
    projects.findByName(name).filter(p -> !p.id().equals(id)).ifPresent(p -> {
      throw ApiException.invalidRequest("name", "A project named '" + name + "' already exists.", "project_exists");
    });
    return toWire(projects.rename(id, name));
  }

  public Project archive(String id) {
    dev.hearth.store.Project project = find(id);
    if (project.name().equals(Authenticator.DEFAULT_PROJECT)) {
      throw ApiException.invalidRequest(null, "The default project cannot be archived.");
    }
    return toWire(projects.archive(id));
  }

  private dev.hearth.store.Project find(String id) {
    return projects.findById(id).orElseThrow(() -> ApiException.notFound("No project found with id '" + id + "'."));
  }

  private static String validName(String name) {
    if (name == null) {
      throw ApiException.missingParameter("name");
    }
    if (name.isBlank()) {
      throw ApiException.invalidRequest("name", "'name' must not be empty.");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw ApiException.invalidRequest(
          "name", "'name' is too long: " + name.length() + " characters, the maximum is " + MAX_NAME_LENGTH + ".");
    }
    return name.strip();
  }

  private static void rejectUnsupported(Object value, String param) {
    if (value != null) {
      throw ApiException.invalidRequest(param, "'" + param + "' is not supported by this server.", "unsupported_parameter");
    }
  }

  static Project toWire(dev.hearth.store.Project p) {
    Long archivedAt = p.archivedAt() == null ? null : p.archivedAt().getEpochSecond();
    return new Project(
        p.id(), Project.OBJECT, p.name(), p.createdAt().getEpochSecond(), archivedAt, archivedAt == null ? "active" : "archived");
  }
}
