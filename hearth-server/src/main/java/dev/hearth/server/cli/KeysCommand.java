package dev.hearth.server.cli;

import dev.hearth.store.ApiKey;
import dev.hearth.store.ApiKeyStore;
import dev.hearth.store.CreatedApiKey;
import dev.hearth.store.Database;
import dev.hearth.store.Project;
import dev.hearth.store.ProjectStore;
import dev.hearth.server.HearthServer;
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
    name = "keys",
    description = "Create, list and revoke API keys. A key is shown once, when it is created; only its hash is stored.",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand {

  @Command(name = "create", description = "Create a key for a project (the project is created if needed).")
  static final class Create implements Callable<Integer> {
    @Mixin ConfigOptions options;
    @Spec CommandSpec spec;

    @Option(names = "--project", description = "Project name (default: default).", defaultValue = "default")
    String project;

    @Option(names = "--name", description = "A name for the key (default: the project name).")
    String name;

    @Option(names = "--admin", description = "An admin key: it may also use /v1/organization/* endpoints.")
    boolean admin;

    @Override
    public Integer call() {
      try (Database db = HearthServer.openDatabase(options.load())) {
        Project p = new ProjectStore(db, InstantSource.system()).getOrCreate(project);
        CreatedApiKey created = new ApiKeyStore(db, InstantSource.system()).create(p.id(), name == null ? project : name, admin);
        PrintWriter out = spec.commandLine().getOut();
        out.println(created.secret());
        out.flush();
        spec.commandLine().getErr().println(
            "Created " + (admin ? "admin " : "") + "key " + created.key().id() + " for project '" + p.name()
                + "'. It is shown only this once: store it now.");
        return 0;
      }
    }
  }

  @Command(name = "list", description = "List keys (redacted).")
  static final class ListKeys implements Callable<Integer> {
    @Mixin ConfigOptions options;
    @Spec CommandSpec spec;

    @Option(names = "--project", description = "Only this project's keys.")
    String project;

    @Override
    public Integer call() {
      try (Database db = HearthServer.openDatabase(options.load())) {
        ProjectStore projects = new ProjectStore(db, InstantSource.system());
        ApiKeyStore keys = new ApiKeyStore(db, InstantSource.system());
        List<ApiKey> list;
        if (project != null) {
          Project p = projects.findByName(project).orElse(null);
          if (p == null) {
            spec.commandLine().getErr().println("No project named '" + project + "'.");
            return 1;
          }
          list = keys.listByProject(p.id());
        } else {
          list = keys.list();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-28s %-20s %-18s %-6s %-8s %s%n", "ID", "PROJECT", "KEY", "ADMIN", "STATUS", "NAME");
        for (ApiKey k : list) {
          String projectName = projects.findById(k.projectId()).map(Project::name).orElse(k.projectId());
          out.printf("%-28s %-20s %-18s %-6s %-8s %s%n", k.id(), projectName, k.redactedValue(), k.admin() ? "yes" : "no",
              k.active() ? "active" : "revoked", k.name());
        }
        out.flush();
        return 0;
      }
    }
  }

  @Command(name = "revoke", description = "Revoke a key by its id (see `keys list`).")
  static final class Revoke implements Callable<Integer> {
    @Mixin ConfigOptions options;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "KEY_ID")
    String keyId;

    @Override
    public Integer call() {
      try (Database db = HearthServer.openDatabase(options.load())) {
        if (!new ApiKeyStore(db, InstantSource.system()).revoke(keyId)) {
          spec.commandLine().getErr().println("No key with id '" + keyId + "'.");
          return 1;
        }
        spec.commandLine().getOut().println("Revoked " + keyId + ".");
        return 0;
      }
    }
  }
}
