package dev.hearth.server.cli;

import dev.hearth.server.HearthServer;
import dev.hearth.store.Database;
import dev.hearth.store.Project;
import dev.hearth.store.ProjectStore;
import java.io.PrintWriter;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "projects",
    description = "List projects and change their settings (data retention, zero data retention, allowed models).",
    subcommands = {ProjectsCommand.ListProjects.class, ProjectsCommand.Create.class, ProjectsCommand.Set.class})
final class ProjectsCommand {

  static void print(PrintWriter out, List<Project> projects) {
    out.printf("%-28s %-20s %-10s %-5s %-9s %s%n", "ID", "NAME", "RETENTION", "ZDR", "STATUS", "ALLOWED MODELS");
    for (Project p : projects) {
      out.printf("%-28s %-20s %-10s %-5s %-9s %s%n", p.id(), p.name(), p.retentionDays() + "d", p.zeroDataRetention() ? "yes" : "no",
          p.archivedAt() == null ? "active" : "archived", p.allowedModels().isEmpty() ? "(all)" : String.join(",", p.allowedModels()));
    }
    out.flush();
  }

  @Command(name = "list", description = "List projects and their settings.")
  static final class ListProjects implements Callable<Integer> {
    @Mixin ConfigOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (Database db = HearthServer.openDatabase(options.load())) {
        print(spec.commandLine().getOut(), new ProjectStore(db, InstantSource.system()).list());
        return 0;
      }
    }
  }

  @Command(name = "create", description = "Create a project.")
  static final class Create implements Callable<Integer> {
    @Mixin ConfigOptions options;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (Database db = HearthServer.openDatabase(options.load())) {
        ProjectStore store = new ProjectStore(db, InstantSource.system());
        if (store.findByName(name).isPresent()) {
          spec.commandLine().getErr().println("A project named '" + name + "' already exists.");
          return 1;
        }
        print(spec.commandLine().getOut(), List.of(store.create(name)));
        return 0;
      }
    }
  }

  @Command(name = "set", description = "Change a project's settings.")
  static final class Set implements Callable<Integer> {
    @Mixin ConfigOptions options;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--retention-days", description = "Days stored objects are kept (default 30).")
    Integer retentionDays;

    @Option(names = "--zdr", arity = "1", description = "Zero data retention: true or false.")
    Boolean zeroDataRetention;

    @Option(names = "--allowed-models", split = ",", description = "Models (ids or aliases) the project may use; empty for all.")
    List<String> allowedModels;

    @Override
    public Integer call() {
      if (retentionDays != null && (retentionDays < 1 || retentionDays > 3650)) {
        spec.commandLine().getErr().println("--retention-days must be between 1 and 3650.");
        return 2;
      }
      try (Database db = HearthServer.openDatabase(options.load())) {
        ProjectStore store = new ProjectStore(db, InstantSource.system());
        Project p = store.findByName(name).orElse(null);
        if (p == null) {
          spec.commandLine().getErr().println("No project named '" + name + "'.");
          return 1;
        }
        List<String> models = allowedModels == null ? null : allowedModels.stream().filter(s -> !s.isBlank()).toList();
        print(spec.commandLine().getOut(), List.of(store.updateSettings(p.id(), retentionDays, zeroDataRetention, models)));
        return 0;
      }
    }
  }
}
