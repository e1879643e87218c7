package dev.hearth.server;

import dev.hearth.server.audio.speech.SpeechRoutes;
import dev.hearth.server.audio.speech.SpeechService;
import dev.hearth.server.audio.transcription.TranscriptionRoutes;
import dev.hearth.server.audio.transcription.TranscriptionService;
import dev.hearth.server.auth.Authenticator;
import dev.hearth.server.auth.ProjectSettings;
import dev.hearth.api.embeddings.CreateEmbeddingRequest;
import dev.hearth.api.moderation.CreateModerationRequest;
import dev.hearth.server.batches.BatchDispatcher;
import dev.hearth.server.batches.BatchResponse;
import dev.hearth.server.batches.BatchesRoutes;
import dev.hearth.server.chat.ChatRoutes;
import dev.hearth.server.completions.CompletionsRoutes;
import dev.hearth.server.generation.LlmModels;
import dev.hearth.server.config.DatabaseConfig;
import dev.hearth.server.config.HearthConfig;
import dev.hearth.server.embeddings.EmbeddingEngines;
import dev.hearth.server.embeddings.EmbeddingsRoutes;
import dev.hearth.server.embeddings.EmbeddingsService;
import dev.hearth.server.files.FilesRoutes;
import dev.hearth.server.http.ApiRoutes;
import dev.hearth.server.http.HttpApp;
import dev.hearth.server.http.Json;
import dev.hearth.server.http.JsonBodies;
import dev.hearth.server.http.SseStreams;
import dev.hearth.server.models.ModelRegistry;
import dev.hearth.server.models.ModelsRoutes;
import dev.hearth.server.moderation.ModerationRoutes;
import dev.hearth.server.moderation.ModerationService;
import dev.hearth.server.ops.OpsRoutes;
import dev.hearth.server.ops.RequestMetrics;
import dev.hearth.server.projects.ProjectService;
import dev.hearth.server.projects.ProjectsRoutes;
import dev.hearth.server.storedcompletions.StoredCompletionsRoutes;
import dev.hearth.server.usage.UsageRecorder;
import dev.hearth.server.usage.UsageRoutes;
import dev.hearth.server.upstream.UpstreamRoutes;
import dev.hearth.store.ApiKeyStore;
import dev.hearth.store.Database;
import dev.hearth.store.ProjectStore;
import dev.hearth.store.UsageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The composition root: opens the store, builds each endpoint family and starts HTTP. Tests,
 * benchmarks and {@code hearth serve} all start the server through here.
 */
public final class HearthServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HearthServer.class);

  private final HearthConfig config;
  private final Database database;
  private final HttpApp http;
  private final Authenticator authenticator;
  private final SseStreams streams;

  private HearthServer(HearthConfig config, Database database, HttpApp http, Authenticator authenticator, SseStreams streams) {
    this.config = config;
    this.database = database;
    this.http = http;
    this.authenticator = authenticator;
    this.streams = streams;
  }

  public static HearthServer start(HearthConfig config) {
    return start(config, InstantSource.system());
  }

  public static HearthServer start(HearthConfig config, InstantSource clock) {
    return start(config, clock, List.of());
  }

  /** Starts with extra route families: tests use it for behaviour no real endpoint shows on demand. */
  public static HearthServer start(HearthConfig config, InstantSource clock, List<ApiRoutes> extraRoutes) {
    boolean loopback = isLoopback(config.server().host());
    Database database = openDatabase(config);
    try {
      ProjectStore projects = new ProjectStore(database, clock);
      ApiKeyStore keys = new ApiKeyStore(database, clock);
      if (!loopback && !keys.anyActive()) {
        throw new StartupException(
            "Refusing to listen on " + config.server().host() + " without API keys: create one with"
                + " `./hearth keys create --project default`, or bind to 127.0.0.1.");
      }
      Authenticator authenticator = new Authenticator(keys, projects, loopback, config.server().keyCache());
      ProjectSettings settings = new ProjectSettings(projects);
      JsonMapper mapper = Json.mapper(config.server().rejectUnknownFields());
      JsonBodies bodies = new JsonBodies(mapper);
      RequestMetrics metrics = new RequestMetrics();
      UsageRecorder usage = new UsageRecorder(new UsageStore(database), clock, mapper);
      SseStreams streams = new SseStreams(mapper);
      ModelRegistry registry = new ModelRegistry(config.models(), Instant.ofEpochSecond(clock.instant().getEpochSecond()));
      LlmModels llm = new LlmModels(config.modelCacheDir());
      EmbeddingEngines embeddingEngines = new EmbeddingEngines(config.modelCacheDir());
      EmbeddingsService embeddings = new EmbeddingsService(registry, embeddingEngines);
      ModerationService moderation = new ModerationService(registry, embeddingEngines, llm);
      // Batch lines take the same path as live requests: the same body parsing, service and errors.
      BatchDispatcher batchEndpoints = new BatchDispatcher().observe(usage::batchLine)
          .register("/v1/embeddings", (caller, body) -> new BatchResponse(200, embeddings.create(
              bodies.parse(mapper.writeValueAsBytes(body), CreateEmbeddingRequest.class),
              settings.of(caller.projectId()).allowedModels())))
          .register("/v1/moderations", (caller, body) -> new BatchResponse(200, moderation.create(
              bodies.parse(mapper.writeValueAsBytes(body), CreateModerationRequest.class),
              settings.of(caller.projectId()).allowedModels())));
      List<ApiRoutes> families = new ArrayList<>(List.of(
          new UpstreamRoutes(registry, settings, streams, batchEndpoints), // first: checks its config before any family starts work
          new OpsRoutes(metrics, () -> healthy(database)),
          new ModelsRoutes(registry, settings),
          new ProjectsRoutes(new ProjectService(projects), bodies),
          FilesRoutes.create(config, database, clock, mapper),
          BatchesRoutes.create(config, database, clock, mapper, batchEndpoints),
          new EmbeddingsRoutes(embeddings, bodies, settings),
          new ModerationRoutes(moderation, bodies, settings),
          new SpeechRoutes(SpeechService.withDefaultEngines(registry), bodies, settings),
          new TranscriptionRoutes(TranscriptionService.withDefaultEngines(registry), settings),
          new ChatRoutes(registry, llm, settings, bodies, streams, clock, batchEndpoints),
          new CompletionsRoutes(registry, llm, settings, bodies, streams, clock, batchEndpoints),
          StoredCompletionsRoutes.create(config, database, clock, mapper, settings, registry, metrics.registry()),
          new UsageRoutes(usage)));
      families.addAll(extraRoutes);
      HttpApp http = HttpApp.start(config.server(), mapper, authenticator, metrics, streams, families);
      HearthServer server = new HearthServer(config, database, http, authenticator, streams);
      server.announce();
      return server;
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  private void announce() {
    log.info("Hearth listening on {}", baseUrl());
    if (authenticator.open()) {
      log.warn(
          "No API keys exist: accepting unauthenticated requests because the server is bound to loopback ({})."
              + " Create a key with `./hearth keys create --project NAME` to require keys.",
          config.server().host());
    }
  }

  /** Opens (and migrates) the configured store; the CLI uses it for keys and projects. */
  public static Database openDatabase(HearthConfig config) {
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data directory " + config.dataDir(), e);
    }
    DatabaseConfig db = config.database();
    return Database.open(db.url(), db.user(), db.password());
  }

  private static boolean healthy(Database database) {
    try (Connection c = database.dataSource().getConnection()) {
      return c.isValid(2);
    } catch (Exception e) {
      return false;
    }
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new StartupException("Cannot resolve server.host '" + host + "'.");
    }
  }

  public int port() {
    return http.port();
  }

  /** The base URL clients use, ending in {@code /v1}. */
  public URI baseUrl() {
    String host = config.server().host();
    if (host.contains(":")) {
      host = "[" + host + "]";
    } else if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    }
    return URI.create("http://" + host + ":" + port() + "/v1");
  }

  /** The API operations this server serves, e.g. {@code "GET /v1/models/{model}"}. */
  public java.util.Set<String> operations() {
    return http.operations();
  }

  /** The live server-sent-event streams; endpoint families open theirs here. */
  public SseStreams streams() {
    return streams;
  }

  public HearthConfig config() {
    return config;
  }

  /** Graceful: stops accepting, lets in-flight requests finish (server.shutdown_grace_seconds). */
  @Override
  public void close() {
    try {
      http.close();
    } finally {
      database.close();
    }
  }

  /** A reason the server cannot start, said in one line. */
  public static final class StartupException extends RuntimeException {
    public StartupException(String message) {
      super(message);
    }
  }
}
