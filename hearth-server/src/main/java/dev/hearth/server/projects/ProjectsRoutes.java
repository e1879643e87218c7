package dev.hearth.server.projects;

import dev.hearth.api.common.ListPage;
import dev.hearth.api.projects.Project;
import dev.hearth.api.projects.ProjectCreateRequest;
import dev.hearth.api.projects.ProjectUpdateRequest;
import dev.hearth.server.auth.Principal;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.http.ApiRoutes;
import dev.hearth.server.http.JsonBodies;
import dev.hearth.server.http.Pagination;
import dev.hearth.server.http.QueryParams;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * The spec's Administration → Projects endpoints under {@code /v1/organization/projects}. They
 * need an admin key ({@code hearth keys create --admin}), or the open loopback mode.
 */
public final class ProjectsRoutes implements ApiRoutes {
  private final ProjectService service;
  private final JsonBodies bodies;

  public ProjectsRoutes(ProjectService service, JsonBodies bodies) {
    this.service = service;
    this.bodies = bodies;
  }

  @Override
  public void register(RoutesConfig routes) {
    String base = "/v1/organization/projects";
    routes.get(base, ctx -> {
      requireAdmin(ctx);
      boolean includeArchived = QueryParams.bool(ctx, "include_archived", false);
      ListPage<Project> page = service.list(Pagination.request(ctx, 20, 100), includeArchived);
      ctx.json(page);
    });
    routes.post(base, ctx -> {
      requireAdmin(ctx);
      ctx.json(service.create(bodies.read(ctx, ProjectCreateRequest.class)));
    });
    routes.get(base + "/{project_id}", ctx -> {
      requireAdmin(ctx);
      ctx.json(service.retrieve(ctx.pathParam("project_id")));
    });
    routes.post(base + "/{project_id}", ctx -> {
      requireAdmin(ctx);
      ctx.json(service.update(ctx.pathParam("project_id"), bodies.read(ctx, ProjectUpdateRequest.class)));
    });
    routes.post(base + "/{project_id}/archive", ctx -> {
      requireAdmin(ctx);
      ctx.json(service.archive(ctx.pathParam("project_id")));
    });
  }

  private static void requireAdmin(Context ctx) {
    Principal principal = ctx.attribute(Principal.ATTRIBUTE);
    if (principal == null || !principal.admin()) {
      throw new ApiException(
          403, "invalid_request_error",
          "This endpoint needs an admin key; create one with `hearth keys create --admin`.",
          null, "insufficient_permissions");
    }
  }
}
