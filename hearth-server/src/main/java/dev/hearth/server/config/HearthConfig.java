package dev.hearth.server.config;

import java.nio.file.Path;
import java.util.List;

/** The whole, validated configuration. Built by {@link ConfigLoader}. */
public record HearthConfig(
    ServerConfig server, Path dataDir, Path modelCacheDir, DatabaseConfig database, List<ModelConfig> models,
    FilesConfig files, BatchesConfig batches) {

  public HearthConfig {
    models = List.copyOf(models);
  }

  public HearthConfig(ServerConfig server, Path dataDir, Path modelCacheDir, DatabaseConfig database, List<ModelConfig> models) {
    this(server, dataDir, modelCacheDir, database, models, FilesConfig.DEFAULTS, BatchesConfig.DEFAULTS);
  }

  public HearthConfig withServer(ServerConfig server) {
    return new HearthConfig(server, dataDir, modelCacheDir, database, models, files, batches);
  }

  public HearthConfig withModels(List<ModelConfig> models) {
    return new HearthConfig(server, dataDir, modelCacheDir, database, models, files, batches);
  }
}
