package dev.hearth.server.auth;

import dev.hearth.server.http.ApiException;
import dev.hearth.store.Project;
import dev.hearth.store.ProjectStore;
import io.javalin.http.Context;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calling project's settings (retention, zero data retention, allowed models). Read from the
 * store at most once a second per project, so a setting changed with the CLI applies promptly
 * without a database read on every request.
 */
public final class ProjectSettings {
  private static final long TTL_NANOS = 1_000_000_000L;

  private record Cached(Project project, long loadedAt) {}

  private final ProjectStore projects;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  public ProjectSettings(ProjectStore projects) {
    this.projects = projects;
  }

  public Project of(Context ctx) {
    Principal principal = ctx.attribute(Principal.ATTRIBUTE);
    if (principal == null) {
      throw new IllegalStateException("no principal: route is outside /v1/");
    }
    return of(principal.projectId());
  }

  public Project of(String projectId) {
    long now = System.nanoTime();
    Cached cached = cache.get(projectId);
    if (cached == null || now - cached.loadedAt() > TTL_NANOS) {
      Project project =
          projects.findById(projectId).orElseThrow(() -> ApiException.unauthorized("The project of this API key no longer exists."));
      cached = new Cached(project, now);
      cache.put(projectId, cached);
    }
    return cached.project();
  }
}
