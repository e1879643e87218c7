package dev.hearth.server.cli;

import dev.hearth.server.HearthServer;
import dev.hearth.server.config.ConfigException;
import dev.hearth.store.StoreException;
import dev.hearth.server.modelfiles.ModelFilesCommand;
import dev.hearth.server.modelfiles.PullCommand;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code hearth}: the server and its administration, one command line. */
@Command(
    name = "hearth",
    mixinStandardHelpOptions = true,
    version = "hearth 0.1.0",
    description = "The OpenAI platform, self-hosted.",
    subcommands = {ServeCommand.class, KeysCommand.class, ProjectsCommand.class, ModelsCommand.class, TinyModelCommand.class})
public final class HearthCli {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return commandLine().execute(args);
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new HearthCli());
    // The model cache follows the configuration (HEARTH_HOME, HEARTH_CONFIG, HEARTH_MODEL_CACHE_DIR).
    Supplier<Path> cacheDir = () -> new ConfigOptions().load().modelCacheDir();
    cli.addSubcommand(new PullCommand(cacheDir));
    cli.addSubcommand(new ModelFilesCommand(cacheDir));
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      // Problems the user can fix are one line, never a stack trace.
      if (e instanceof ConfigException || e instanceof HearthServer.StartupException
          || e instanceof StoreException || e instanceof UncheckedIOException) {
        commandLine.getErr().println("hearth: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return cli;
  }
}
