package dev.hearth.server.cli;

import dev.hearth.server.config.HearthConfig;
import dev.hearth.server.config.ModelConfig;
import dev.hearth.server.modelfiles.ModelCache;
import dev.hearth.server.modelfiles.ModelFilesCommand;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "models", description = "List the configured models, their aliases, and the model files pulled into the cache.")
final class ModelsCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    HearthConfig config = options.load();
    PrintWriter out = spec.commandLine().getOut();
    out.printf("%-26s %-21s %-40s %s%n", "MODEL", "ENGINE", "ALIASES", "SOURCE");
    for (ModelConfig m : config.models()) {
      out.printf("%-26s %-21s %-40s %s%n", m.id(), m.engine().configName(), String.join(",", m.aliases()),
          m.source().isEmpty() ? "-" : m.source());
    }
    out.println();
    out.println("Model files in " + config.modelCacheDir() + ":");
    ModelFilesCommand.printCache(new ModelCache(config.modelCacheDir()), out);
    out.flush();
    return 0;
  }
}
