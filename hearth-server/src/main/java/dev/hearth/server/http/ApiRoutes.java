package dev.hearth.server.http;

import io.javalin.config.RoutesConfig;

/**
 * One endpoint family's routes. Each family (models, projects, chat, files, …) is a package with
 * its routes, its service and its wire types; {@link HttpApp} only collects the families.
 */
public interface ApiRoutes extends AutoCloseable {
  void register(RoutesConfig routes);

  /**
   * Stops the family's background work (sweeps, runners). {@link HttpApp#close} calls it after
   * in-flight requests have finished and before the store closes.
   */
  @Override
  default void close() {}
}
