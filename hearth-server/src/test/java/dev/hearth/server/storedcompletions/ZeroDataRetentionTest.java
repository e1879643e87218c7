package dev.hearth.server.storedcompletions;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import dev.hearth.server.HearthServer;
import dev.hearth.server.config.HearthConfig;
import dev.hearth.server.http.ApiRoutes;
import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.TestServer;
import dev.hearth.server.testing.TinyLlm;
import dev.hearth.store.ApiKeyStore;
import dev.hearth.store.Database;
import dev.hearth.store.ProjectStore;
import dev.hearth.store.UsageStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A zero-data-retention project: {@code store: true} is a 400, and a unique marker sent in its
 * requests (answered, streamed, refused, malformed, and one that crashes a handler) is found in
 * none of the database files (with the WAL), the data directory or the logs, while its usage is
 * still recorded. The same marker sent by an ordinary project with {@code store: true} is found,
 * which shows the search can find what it looks for.
 */
class ZeroDataRetentionTest {
  @TempDir Path dir;

  record Keys(String zdr, String zdrProject, String normal) {}

  static Keys keys(HearthConfig config) {
    try (Database db = HearthServer.openDatabase(config)) {
      ProjectStore projects = new ProjectStore(db, InstantSource.system());
      var zdr = projects.getOrCreate("private");
      projects.updateSettings(zdr.id(), null, true, null);
      var normal = projects.getOrCreate("normal");
      ApiKeyStore keys = new ApiKeyStore(db, InstantSource.system());
      return new Keys(keys.create(zdr.id(), "z").secret(), zdr.id(), keys.create(normal.id(), "n").secret());
    }
  }

  /** A handler whose exception quotes the request body, as a bug might. */
  static final ApiRoutes CRASHING = routes -> routes.post("/v1/test/crash", ctx -> {
    throw new IllegalStateException("cannot handle " + ctx.body(), new RuntimeException("cause: " + ctx.body()));
  });

  @Test
  void noBodyOfAZeroDataRetentionProjectReachesTheDatabaseTheDataDirectoryOrTheLogs() throws Exception {
    Path model = TinyLlm.write(dir);
    Path data = dir.resolve("data");
    HearthConfig config = TinyLlm.config(data, model, 4, 16);
    Keys keys = keys(config);
    String marker = "zdr-marker-" + UUID.randomUUID();
    String control = "control-marker-" + UUID.randomUUID();

    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    try (LogCapture ignored = LogCapture.start(logs); TestServer server = TestServer.start(config, List.of(CRASHING))) {
      TestServer z = server.withApiKey(keys.zdr());
      String chat = "{\"model\":\"tiny\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"" + marker + "\"}]";

      HttpResponse<String> refused = z.post("/v1/chat/completions", chat + ",\"store\":true,\"metadata\":{\"m\":\"" + marker + "\"}}");
      Envelopes.assertError(refused, 400);
      assertThat(Envelopes.json(refused.body()).path("error").path("param").asString()).isEqualTo("store");
      assertThat(refused.body()).contains("zero data retention");

      HttpResponse<String> answered = z.post("/v1/chat/completions", chat + "}");
      assertThat(answered.statusCode()).isEqualTo(200);
      assertThat(z.post("/v1/chat/completions", chat + ",\"stream\":true}").body()).contains("[DONE]");
      assertThat(z.post("/v1/completions", "{\"model\":\"tiny\",\"max_tokens\":3,\"prompt\":\"" + marker + "\"}").statusCode())
          .isEqualTo(200);
      // refused before or during validation, each with the marker somewhere in the body
      List<String> invalid = List.of(
          chat + ",\"temperature\":\"" + marker + "\"}",
          chat + ",\"" + marker + "\":1}",
          chat + ",\"metadata\":{\"k\":\"" + marker.repeat(20) + "\"}}",
          "{\"model\":\"" + marker + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
          "{\"model\":\"tiny\",\"messages\":[{\"role\":\"" + marker + "\",\"content\":\"x\"}]}",
          "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"" + marker + "\"",
          chat + ",\"stop\":[\"" + marker + "\",1]}");
      for (String body : invalid) {
        int status = z.post("/v1/chat/completions", body).statusCode();
        assertThat(status).as(body).isBetween(400, 404);
      }
      assertThat(z.get("/v1/chat/completions?metadata[m]=" + marker).statusCode()).isEqualTo(200);
      HttpResponse<String> crashed = z.post("/v1/test/crash", "{\"secret\":\"" + marker + "\"}");
      Envelopes.assertError(crashed, 500);

      // an ordinary project's stored completion is found by the same search
      TestServer n = server.withApiKey(keys.normal());
      assertThat(n.post("/v1/chat/completions", "{\"model\":\"tiny\",\"max_tokens\":2,\"store\":true,\"messages\":"
          + "[{\"role\":\"user\",\"content\":\"" + control + "\"}]}").statusCode()).isEqualTo(200);
      server.withApiKey(null);
    }

    String logText = logs.toString(StandardCharsets.UTF_8);
    assertThat(logText).as("the captured logs saw the crash").contains("unhandled error in POST /v1/test/crash");
    assertThat(logText).doesNotContain(marker);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(data)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files).extracting(p -> p.getFileName().toString()).contains("hearth.db");
    List<Path> withControl = new ArrayList<>();
    for (Path file : files) {
      byte[] bytes = Files.readAllBytes(file);
      assertThat(contains(bytes, marker)).as("%s holds the marker", file).isFalse();
      if (contains(bytes, control)) {
        withControl.add(file);
      }
    }
    assertThat(withControl).as("the control marker of the ordinary project is found").isNotEmpty();

    try (Database db = HearthServer.openDatabase(config)) {
      List<UsageStore.Usage> usage = new UsageStore(db).list(keys.zdrProject());
      assertThat(usage).extracting(UsageStore.Usage::endpoint).contains("/v1/chat/completions", "/v1/completions");
      long chatRequests = usage.stream().filter(u -> u.endpoint().equals("/v1/chat/completions"))
          .mapToLong(UsageStore.Usage::requests).sum();
      assertThat(chatRequests).isEqualTo(2);
      assertThat(usage).allSatisfy(u -> assertThat(u.inputTokens()).isPositive());
    }
  }

  static boolean contains(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.UTF_8);
    outer:
    for (int i = 0; i + n.length <= haystack.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Everything logged (root and the access log, hearth loggers at DEBUG) and everything written to
   * System.out and System.err while open, e.g. uncaught exceptions of threads.
   */
  static final class LogCapture implements AutoCloseable {
    private final OutputStreamAppender<ILoggingEvent> appender;
    private final List<ch.qos.logback.classic.Logger> loggers;
    private final Level hearthLevel;
    private final PrintStream out;
    private final PrintStream err;

    private LogCapture(OutputStreamAppender<ILoggingEvent> appender, List<ch.qos.logback.classic.Logger> loggers,
        Level hearthLevel, PrintStream out, PrintStream err) {
      this.appender = appender;
      this.loggers = loggers;
      this.hearthLevel = hearthLevel;
      this.out = out;
      this.err = err;
    }

    static LogCapture start(OutputStream sink) {
      LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
      PatternLayoutEncoder encoder = new PatternLayoutEncoder();
      encoder.setContext(context);
      encoder.setPattern("%level %logger %mdc %msg%n%ex");
      encoder.start();
      OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
      appender.setContext(context);
      appender.setEncoder(encoder);
      appender.setOutputStream(new Tee(sink, null));
      appender.start();
      List<ch.qos.logback.classic.Logger> loggers = List.of(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME),
          context.getLogger("hearth.access"));
      loggers.forEach(l -> l.addAppender(appender));
      ch.qos.logback.classic.Logger hearth = context.getLogger("dev.hearth");
      Level level = hearth.getLevel();
      hearth.setLevel(Level.DEBUG);
      PrintStream out = System.out;
      PrintStream err = System.err;
      System.setOut(new PrintStream(new Tee(sink, out), true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(new Tee(sink, err), true, StandardCharsets.UTF_8));
      return new LogCapture(appender, loggers, level, out, err);
    }

    @Override
    public void close() {
      // the access log is asynchronous: stopping its context's appenders is not ours to do, so flush by waiting for it
      System.setOut(out);
      System.setErr(err);
      loggers.forEach(l -> l.detachAppender(appender));
      appender.stop();
      ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("dev.hearth").setLevel(hearthLevel);
    }
  }

  /** Writes to a shared sink (synchronized) and, if given, to another stream. */
  static final class Tee extends OutputStream {
    private final OutputStream sink;
    private final OutputStream also;

    Tee(OutputStream sink, OutputStream also) {
      this.sink = sink;
      this.also = also;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      synchronized (sink) {
        try {
          sink.write(b, off, len);
          if (also != null) {
            also.write(b, off, len);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
