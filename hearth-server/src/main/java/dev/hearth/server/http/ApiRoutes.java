package dev.hearth.server.http;

import io.javalin.config.RoutesConfig;

/**
 * One endpoint family's routes. Each family (models, projects, chat, files, …) is a package with
 * its routes, its service and its wire types; {@link HttpApp} only collects the families.
 */
public interface ApiRoutes {
  void register(RoutesConfig routes);
}
