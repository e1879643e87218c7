package dev.hearth.bench.gateway;

import dev.hearth.server.HearthServer;
import dev.hearth.server.config.ConfigLoader;
import dev.hearth.server.config.HearthConfig;
import dev.hearth.server.http.Json;
import dev.hearth.server.models.ModelRegistry;
import dev.hearth.server.projects.ProjectService;
import dev.hearth.store.ApiKeyStore;
import dev.hearth.store.Database;
import dev.hearth.store.Project;
import dev.hearth.store.ProjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;

/**
 * Gateway overhead: Hearth vs a bare JDK HttpServer doing the same work, same run, same JVM, on
 * loopback, 64 connections. For each endpoint: closed-loop throughput and latency at a fixed rate.
 *
 * <pre>
 * ./mvnw -q -pl hearth-bench -am package -DskipTests
 * java -cp "hearth-bench/target/hearth-bench-0.1.0-SNAPSHOT.jar:hearth-bench/target/lib/*" \
 *   dev.hearth.bench.gateway.GatewayBench [--seconds 10] [--warmup 10] [--connections 64] [--rate 1000]
 * </pre>
 */
public final class GatewayBench {
  record Scenario(String name, String method, String path, String body, int expectedStatus) {}

  public static void main(String[] args) throws Exception {
    int seconds = intArg(args, "--seconds", 10);
    int connections = intArg(args, "--connections", 64);
    int rate = intArg(args, "--rate", 1000);
    // The JIT needs a while on 2 cores: both servers run every scenario first, unmeasured.
    Duration warmup = Duration.ofSeconds(intArg(args, "--warmup", 10));
    Duration duration = Duration.ofSeconds(seconds);

    Path dataDir = Files.createTempDirectory("hearth-bench");
    HearthConfig config = ConfigLoader.defaults()
        .set("data_dir", dataDir.toString())
        .set("server.port", "0")
        .load();
    // A real key, so that every Hearth request pays for authentication as it would in production.
    String secret;
    String projectId;
    try (Database db = HearthServer.openDatabase(config)) {
      Project project = new ProjectStore(db, InstantSource.system()).getOrCreate("bench");
      projectId = project.id();
      secret = new ApiKeyStore(db, InstantSource.system()).create(project.id(), "bench", true).secret();
    }

    List<String> rows = new ArrayList<>();
    try (HearthServer hearth = HearthServer.start(config);
        Database db = HearthServer.openDatabase(config)) {
      JsonMapper mapper = Json.mapper(true);
      ModelRegistry registry = new ModelRegistry(config.models(), Instant.now());
      ProjectService projects = new ProjectService(new ProjectStore(db, InstantSource.system()));
      try (BareJdkServer bare = new BareJdkServer(mapper, registry, projects)) {
        List<Scenario> scenarios = List.of(
            new Scenario("GET /v1/models", "GET", "/v1/models", null, 200),
            new Scenario("POST project update (parse, validate, write)", "POST",
                "/v1/organization/projects/" + projectId, "{\"name\":\"bench\"}", 200),
            new Scenario("POST invalid body (parse, validate, 400)", "POST",
                "/v1/organization/projects/" + projectId, "{\"name\":42}", 400));
        System.out.printf(Locale.ROOT, "Gateway benchmark: %d connections, %ds per run (warm-up %ds per scenario and server), fixed rate %d req/s, %d CPUs, %s%n",
            connections, seconds, warmup.toSeconds(), rate, Runtime.getRuntime().availableProcessors(), cpuModel());
        for (Scenario s : scenarios) {
          for (int port : new int[] {hearth.port(), bare.port()}) {
            new LoadGenerator("127.0.0.1", port, connections)
                .closedLoop(RawHttpConnection.encode(s.method(), "127.0.0.1", port, s.path(), s.body(), secret),
                    s.expectedStatus(), Duration.ZERO, warmup);
          }
        }
        Duration settle = Duration.ofSeconds(1);
        for (Scenario s : scenarios) {
          LoadGenerator toHearth = new LoadGenerator("127.0.0.1", hearth.port(), connections);
          LoadGenerator toBare = new LoadGenerator("127.0.0.1", bare.port(), connections);
          byte[] hearthRequest = RawHttpConnection.encode(s.method(), "127.0.0.1", hearth.port(), s.path(), s.body(), secret);
          byte[] bareRequest = RawHttpConnection.encode(s.method(), "127.0.0.1", bare.port(), s.path(), s.body(), secret);

          var hMax = toHearth.closedLoop(hearthRequest, s.expectedStatus(), settle, duration);
          var bMax = toBare.closedLoop(bareRequest, s.expectedStatus(), settle, duration);
          var hRate = toHearth.fixedRate(hearthRequest, s.expectedStatus(), rate, settle, duration);
          var bRate = toBare.fixedRate(bareRequest, s.expectedStatus(), rate, settle, duration);
          rows.add(row(s.name() + " | max throughput", hMax, bMax, true));
          rows.add(row(s.name() + " | at " + rate + " req/s", hRate, bRate, false));
        }
      }
    }
    System.out.println();
    System.out.println("| scenario | Hearth req/s | bare req/s | ratio | Hearth p50 ms | Hearth p99 ms | bare p50 ms | bare p99 ms | unexpected |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
  }

  private static String row(String name, LoadGenerator.Result h, LoadGenerator.Result b, boolean throughput) {
    return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.2f | %.3f | %.3f | %.3f | %.3f | %d/%d |",
        name, h.requestsPerSecond(), b.requestsPerSecond(),
        throughput ? h.requestsPerSecond() / b.requestsPerSecond() : h.percentileMillis(99) / b.percentileMillis(99),
        h.percentileMillis(50), h.percentileMillis(99), b.percentileMillis(50), b.percentileMillis(99),
        h.unexpected(), b.unexpected());
  }

  static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    } catch (Exception e) {
      return "unknown CPU";
    }
  }

  private static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }
}
