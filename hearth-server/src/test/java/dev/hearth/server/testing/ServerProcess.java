package dev.hearth.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The real server as a child process ({@code java … HearthCli serve}) on a data directory, for tests
 * that must kill it the hard way: {@link #kill9()} is {@link Process#destroyForcibly()}, which on
 * Linux is {@code SIGKILL} (no shutdown hook, no finally block, no flush runs), and {@link
 * #restart()} starts a new process on the same data directory and port, so clients keep their base
 * URL.
 *
 * <p>The child runs with the test classpath and the JVM options of {@code ./hearth serve}
 * ({@code --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED}), its temporary
 * directory inside the data directory (ONNX Runtime and others extract native libraries there, and a
 * killed process never deletes them), and a crash report ({@code hs_err}) in the data directory too.
 * The classpath is passed in an argument file ({@code @file}), not on the command line: ONNX Runtime
 * 1.29 walks {@code /proc/self/cmdline} recursively when its environment is created and overflows a
 * 1 MB thread stack once the command line is a few thousand characters long (a test classpath is
 * ~10k), which kills the JVM with {@code SIGSEGV} (exit 139, no hs_err) the first time an
 * embeddings or moderation model loads. Each run's stdout and stderr go to {@code server-N.log} in
 * the data directory ({@link #log()}).
 */
public final class ServerProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  private final Path dataDir;
  private final List<String> serverArgs;
  private final List<String> jvmArgs;
  private final Duration startTimeout;
  private final int port;
  private Process process;
  private int run = -1;

  private ServerProcess(Builder b) {
    this.dataDir = b.dataDir.toAbsolutePath();
    this.serverArgs = List.copyOf(b.serverArgs);
    this.jvmArgs = List.copyOf(b.jvmArgs);
    this.startTimeout = b.startTimeout;
    this.port = b.port > 0 ? b.port : freePort();
  }

  /** A server on {@code dataDir} (created if missing) with the bundled defaults plus what the builder adds. */
  public static Builder on(Path dataDir) {
    return new Builder(dataDir);
  }

  public static final class Builder {
    private final Path dataDir;
    private final List<String> serverArgs = new ArrayList<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private Duration startTimeout = Duration.ofSeconds(90);
    private int port;

    private Builder(Path dataDir) {
      this.dataDir = dataDir;
    }

    /** {@code --config FILE}: a YAML config (models, options) merged over the defaults. */
    public Builder config(Path yaml) {
      serverArgs.add("--config");
      serverArgs.add(yaml.toAbsolutePath().toString());
      return this;
    }

    /** {@code --set key=value}, e.g. {@code set("batches.lease_seconds=2")}. */
    public Builder set(String assignment) {
      serverArgs.add("--set");
      serverArgs.add(assignment);
      return this;
    }

    /** An extra option for the child JVM (e.g. {@code -Xmx256m}). */
    public Builder jvmArg(String arg) {
      jvmArgs.add(arg);
      return this;
    }

    /** The port to listen on; by default a free one picked once and kept across restarts. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** How long {@link #start()} waits for {@code /health} (default 90 s). */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    /** Starts the server and waits until {@code /health} answers 200. */
    public ServerProcess start() {
      ServerProcess server = new ServerProcess(this);
      server.launch();
      return server;
    }
  }

  /** {@code http://127.0.0.1:PORT/v1} (the same after a restart). */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + port + "/v1");
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** How many times the server has been started, minus one: the number of the current run's log. */
  public int run() {
    return run;
  }

  /** The current run's stdout and stderr. */
  public Path log() {
    return logOf(run);
  }

  public Path logOf(int run) {
    return dataDir.resolve("server-" + run + ".log");
  }

  /** The last {@code lines} lines of the current run's log, for assertion messages. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log(), StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** A one-line description for assertion messages: alive, or how it exited, and where its log is. */
  public String describe() {
    if (process == null) {
      return "not started";
    }
    return (process.isAlive() ? "alive (pid " + process.pid() + ")" : "exited with " + process.exitValue())
        + ", log " + log();
  }

  /**
   * {@code SIGKILL}: the process dies at once, wherever it was (mid-transaction, mid-write), and this
   * returns once it is gone.
   */
  public void kill9() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    awaitExit(process, Duration.ofSeconds(30));
  }

  /** {@code SIGTERM}: the server shuts down gracefully; returns once it has exited. */
  public void stop() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    if (!awaitExit(process, Duration.ofSeconds(30))) {
      kill9();
    }
  }

  /** Starts the server again on the same data directory and port (after {@link #kill9()} or {@link #stop()}). */
  public ServerProcess restart() {
    if (isAlive()) {
      throw new IllegalStateException("the server is still running; kill9() or stop() it first");
    }
    launch();
    return this;
  }

  @Override
  public void close() {
    stop();
  }

  private void launch() {
    run++;
    try {
      Files.createDirectories(dataDir.resolve("tmp"));
      Path argFile = dataDir.resolve("classpath.args");
      Files.writeString(argFile, "-cp\n" + quote(classpath()) + "\n", StandardCharsets.UTF_8);
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
          "-Djava.io.tmpdir=" + dataDir.resolve("tmp"), "-XX:ErrorFile=" + dataDir.resolve("hs_err_%p.log"),
          "-Xshare:auto"));
      command.addAll(jvmArgs);
      command.add("@" + argFile);
      command.addAll(List.of("dev.hearth.server.cli.HearthCli", "serve", "--port", Integer.toString(port),
          "--data-dir", dataDir.toString()));
      command.addAll(serverArgs);
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log().toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("HEARTH_")); // only what the test configures
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitHealthy();
  }

  private void awaitHealthy() {
    long deadline = System.nanoTime() + startTimeout.toNanos();
    HttpRequest health = HttpRequest.newBuilder(uri("/health")).timeout(Duration.ofSeconds(2)).build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the server exited with " + process.exitValue() + " while starting; log "
            + log() + ":\n" + logTail(40));
      }
      try {
        if (HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new IllegalStateException("interrupted while the server started", e);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    process.destroyForcibly();
    throw new IllegalStateException("the server did not answer /health within " + startTimeout + "; log " + log()
        + ":\n" + logTail(40));
  }

  private static boolean awaitExit(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Surefire runs tests from a manifest-only jar; the real test classpath is in its own property. */
  private static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  /** An argument file's quoting: backslashes and double quotes escaped inside double quotes. */
  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
