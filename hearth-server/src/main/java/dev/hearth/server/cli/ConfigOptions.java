package dev.hearth.server.cli;

import dev.hearth.server.config.ConfigLoader;
import dev.hearth.server.config.HearthConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every command that reads the configuration shares. */
public final class ConfigOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (default: $HEARTH_CONFIG if set).")
  Path config;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: $HEARTH_HOME or ~/.hearth).")
  Path dataDir;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one config key, e.g. --set server.port=9000.")
  List<String> overrides = new ArrayList<>();

  public HearthConfig load() {
    return load(System.getenv(), List.of());
  }

  /** Layers, later winning: defaults, file, environment, the command's own flags, --set. */
  HearthConfig load(Map<String, String> env, List<String> commandOverrides) {
    ConfigLoader loader = ConfigLoader.defaults();
    Path file = config != null ? config : (env.containsKey("HEARTH_CONFIG") ? Path.of(env.get("HEARTH_CONFIG")) : null);
    if (file != null) {
      loader.file(file);
    }
    loader.environment(env);
    if (dataDir != null) {
      loader.set("data_dir", dataDir.toString());
    }
    commandOverrides.forEach(loader::setAssignment);
    overrides.forEach(loader::setAssignment);
    return loader.load();
  }
}
