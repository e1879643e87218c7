package dev.hearth.server.http;

import dev.hearth.server.auth.Authenticator;
import dev.hearth.server.auth.Principal;
import dev.hearth.server.config.ServerConfig;
import dev.hearth.server.ops.RequestMetrics;
import dev.hearth.store.InvalidPageRequest;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson3;
import io.javalin.router.Endpoint;
import io.javalin.router.ParsedEndpoint;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.databind.json.JsonMapper;

/**
 * Assembles the HTTP server: Javalin on Jetty 12 with one virtual thread per request, the
 * cross-cutting steps every request takes (request id, auth, metrics, access log, error
 * envelope), and the routes of each endpoint family. It holds no endpoint logic itself.
 */
public final class HttpApp implements AutoCloseable {
  private static final Logger access = LoggerFactory.getLogger("hearth.access");
  private static final String STARTED_AT = "hearth.startedAt";

  private final Javalin javalin;
  private final SseStreams streams;
  private final List<ApiRoutes> families;

  private HttpApp(Javalin javalin, SseStreams streams, List<ApiRoutes> families) {
    this.javalin = javalin;
    this.streams = streams;
    this.families = List.copyOf(families);
  }

  public static HttpApp start(
      ServerConfig server,
      JsonMapper mapper,
      Authenticator authenticator,
      RequestMetrics metrics,
      SseStreams streams,
      List<ApiRoutes> families) {
    ErrorResponses errors = new ErrorResponses(mapper, server.maxRequestBytes());
    Javalin javalin =
        Javalin.create(
            config -> {
              config.concurrency.useVirtualThreads = true;
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.http.maxRequestSize = server.maxRequestBytes();
              config.http.prefer405over404 = true;
              config.http.defaultContentType = "application/json";
              config.jsonMapper(new JavalinJackson3(mapper, true));
              config.jetty.host = server.host();
              config.jetty.port = server.port();
              config.jetty.modifyServer(
                  jetty -> {
                    jetty.setErrorHandler(new JsonErrorHandler());
                    jetty.setStopTimeout(server.shutdownGrace().toMillis());
                  });
              config.jetty.modifyHttpConfiguration(http -> http.setSendServerVersion(false));

              config.routes.before(ctx -> begin(ctx, metrics));
              config.routes.before("/v1/*", ctx -> authenticate(ctx, authenticator));
              config.routes.after(HttpApp::processingTime);
              config.routes.after(HttpApp::drainUnreadBody);
              config.routes.exception(ApiException.class, (e, ctx) -> errors.write(ctx, e));
              config.routes.exception(HttpResponseException.class, (e, ctx) -> errors.write(ctx, e));
              // A list cursor that names no object of the caller's is found only when the store pages.
              config.routes.exception(InvalidPageRequest.class,
                  (e, ctx) -> errors.write(ctx, ApiException.invalidRequest(e.param(), e.getMessage())));
              config.routes.exception(Exception.class, (e, ctx) -> errors.serverError(ctx, e));
              for (int status : new int[] {404, 405, 413}) {
                config.routes.error(status, ctx -> {
                  if (ctx.result() == null || ctx.result().isEmpty()) {
                    errors.write(ctx, new HttpResponseException(status));
                  }
                });
              }
              config.requestLogger.http((ctx, millis) -> finish(ctx, millis.doubleValue(), metrics));
              families.forEach(family -> family.register(config.routes));
            });
    HttpApp app = new HttpApp(javalin, streams, families);
    try {
      javalin.start();
    } catch (RuntimeException e) {
      app.closeFamilies(); // e.g. the port is taken: stop the background work the families started
      throw e;
    }
    return app;
  }

  public int port() {
    return javalin.port();
  }

  /** The API operations served, as {@code "GET /v1/models/{model}"} (path parameters in the spec's braces). */
  public Set<String> operations() {
    Set<String> operations = new TreeSet<>();
    for (ParsedEndpoint parsed : javalin.unsafe.internalRouter.allHttpHandlers()) {
      Endpoint e = parsed.endpoint;
      if (SERVED_METHODS.contains(e.method.name()) && e.path.startsWith("/v1/")) {
        operations.add(e.method.name() + " " + e.path.replace('<', '{').replace('>', '}'));
      }
    }
    return operations;
  }

  private static final Set<String> SERVED_METHODS = Set.of("GET", "POST", "DELETE", "PUT", "PATCH");

  /**
   * Stops accepting connections, asks open streams to end cleanly, and waits up to the configured
   * grace for in-flight requests.
   */
  @Override
  public void close() {
    streams.shutdown();
    javalin.stop();
    // Background work of the families (expiry sweeps, batch runners) stops once no request runs.
    closeFamilies();
  }

  private void closeFamilies() {
    for (ApiRoutes family : families) {
      try {
        family.close();
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(HttpApp.class).warn("closing {} failed", family.getClass().getSimpleName(), e);
      }
    }
  }

  private static void begin(Context ctx, RequestMetrics metrics) {
    ctx.attribute(STARTED_AT, System.nanoTime());
    String requestId = RequestIds.next();
    ctx.attribute(RequestIds.MDC_KEY, requestId);
    MDC.put(RequestIds.MDC_KEY, requestId);
    ctx.header(RequestIds.HEADER, requestId);
    String clientId = ctx.header(RequestIds.CLIENT_HEADER);
    if (clientId != null && clientId.length() <= 512) {
      ctx.header(RequestIds.CLIENT_HEADER, clientId);
    }
    ctx.header("openai-version", "2020-10-01");
    metrics.started();
  }

  private static void authenticate(Context ctx, Authenticator authenticator) {
    Principal principal = authenticator.authenticate(ctx.header("Authorization"));
    ctx.attribute(Principal.ATTRIBUTE, principal);
  }

  private static void processingTime(Context ctx) {
    Long started = ctx.attribute(STARTED_AT);
    if (started != null && !ctx.res().isCommitted()) {
      ctx.header("openai-processing-ms", Long.toString((System.nanoTime() - started) / 1_000_000));
    }
  }

  /** How long {@link #drainUnreadBody} goes on reading a body the server did not read. */
  static final java.time.Duration LINGER = java.time.Duration.ofSeconds(30);

  /**
   * Reads and discards what is left of a request body the server answered without reading: a body
   * over {@code server.max_request_bytes} refused from its {@code Content-Length}, an upload refused
   * for its content type, its key or its size. Jetty would close the connection with those bytes
   * unread, and the kernel then resets it, so a client still sending loses the response (the Java client reported
   * "HTTP/1.1 header parser received no bytes" for two 413s in ten with 8 MB bodies). Reading them
   * first, for up to {@link #LINGER} as nginx's lingering close does, lets every client see its
   * error and keeps the connection usable. A body already read ends at once.
   */
  private static void drainUnreadBody(Context ctx) {
    if (ctx.res().isCommitted()) {
      return; // a streamed response: its request was read before it began
    }
    long deadline = System.nanoTime() + LINGER.toNanos();
    try {
      java.io.InputStream in = ctx.req().getInputStream();
      if (in.read() < 0) {
        return; // the usual case, with nothing to allocate
      }
      byte[] discard = new byte[64 * 1024];
      while (in.read(discard) >= 0 && System.nanoTime() < deadline) {
        // discarded
      }
    } catch (java.io.IOException | RuntimeException e) {
      // the client went away, or the body was taken apart as multipart: nothing left to spare it
    }
  }

  private static void finish(Context ctx, double millis, RequestMetrics metrics) {
    String route = route(ctx);
    metrics.finished(ctx.method().name(), route, ctx.statusCode(), millis);
    // Never the body: prompts and completions stay out of logs.
    access.info("{} {} route={} status={} ms={}", ctx.method(), ctx.path(), route, ctx.statusCode(), String.format("%.2f", millis));
    MDC.remove(RequestIds.MDC_KEY);
  }

  private static String route(Context ctx) {
    try {
      Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
      return endpoint == null ? "unmatched" : endpoint.path;
    } catch (RuntimeException e) {
      return "unmatched";
    }
  }
}
