package dev.hearth.server.upstream;

import dev.hearth.api.error.ApiError;
import dev.hearth.server.auth.Principal;
import dev.hearth.server.auth.ProjectSettings;
import dev.hearth.server.batches.BatchResponse;
import dev.hearth.server.config.EngineKind;
import dev.hearth.server.config.ModelConfig;
import dev.hearth.server.generation.ClientDisconnect;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.http.RequestIds;
import dev.hearth.server.http.SseStream;
import dev.hearth.server.http.SseStreams;
import dev.hearth.server.models.ModelRegistry;
import dev.hearth.server.usage.UsageRecorder;
import dev.hearth.store.Ids;
import io.javalin.http.Context;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Forwards requests for {@code engine: upstream} models to their OpenAI-compatible server and
 * hands back what it answers as if Hearth had produced it: Hearth's ids (one per response, the same
 * on every chunk of a stream), the model's Hearth id, the upstream's usage, and OpenAI's error
 * envelope. The caller authenticates with a Hearth key; the upstream key goes only into the
 * upstream request's {@code Authorization} header.
 *
 * <p>Streams are relayed chunk by chunk as they arrive; when the client goes away the upstream
 * response is closed, which cancels the upstream request. A non-streaming request is cancelled the
 * same way when its client goes away before the answer (its connection is watched meanwhile).
 * Usage is always requested upstream ({@code stream_options.include_usage}, unless the model's
 * {@code stream_usage} is false) and the usage chunk reaches the client only if it asked. Every forwarded request is recorded in the
 * project's usage with the upstream's token counts, as a local model's would be (batch lines through
 * the batch dispatcher).
 */
final class UpstreamForwarder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UpstreamForwarder.class);
  /** How often a non-streaming request looks whether its client went away. */
  private static final long GONE_POLL_MS = 50;
  /** Set on a streamed request's context once its usage is recorded. */
  private static final String USAGE_RECORDED = "hearth.upstream.usage-recorded";
  /** The most bytes of an upstream error body read. */
  private static final int MAX_ERROR_BYTES = 1 << 20;

  private final ModelRegistry registry;
  private final ProjectSettings settings;
  private final SseStreams streams;
  private final JsonMapper json = JsonMapper.builder().build();
  private final Map<String, Target> targets = new LinkedHashMap<>();

  private record Target(UpstreamModel model, HttpClient http) {}

  UpstreamForwarder(ModelRegistry registry, ProjectSettings settings, SseStreams streams, Function<String, String> env) {
    this.registry = registry;
    this.settings = settings;
    this.streams = streams;
    for (ModelConfig config : registry.models()) {
      if (config.engine() == EngineKind.UPSTREAM) {
        UpstreamModel model = UpstreamModel.of(config, env);
        HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(model.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
        targets.put(config.id(), new Target(model, http));
        log.info("model {}: forwarded to {}", config.id(), model);
      }
    }
  }

  boolean isEmpty() {
    return targets.isEmpty();
  }

  /**
   * Handles the request if its {@code model} is an upstream model the caller may use; false
   * otherwise (anything else, malformed bodies included, is left to the endpoint's own route).
   */
  boolean forward(Context ctx, UpstreamEndpoint endpoint) {
    if (targets.isEmpty()) {
      return false;
    }
    JsonNode body;
    try {
      body = json.readTree(ctx.bodyAsBytes());
    } catch (JacksonException e) {
      return false;
    }
    Call call = resolve(body, endpoint, settings.of(ctx).allowedModels());
    if (call == null) {
      return false;
    }
    if (call.stream()) {
      relay(ctx, endpoint, call.target(), call.request());
    } else {
      // a non-streaming answer is written only at the end: the connection is watched meanwhile, and a
      // client that goes away cancels the upstream request (which closes its connection)
      try (ClientDisconnect watch = ClientDisconnect.watch(ctx, false)) {
        JsonNode answer = complete(ctx, endpoint, call.target(), call.request(), watch::gone);
        if (answer == null) {
          log.debug("model {}: the client went away; the upstream request was cancelled", call.target().model().id());
          UsageRecorder.record(ctx, call.target().model().id(), 0, 0);
          return true;
        }
        ctx.contentType("application/json");
        ctx.result(json.writeValueAsBytes(UsageRecorder.recorded(ctx, answer)));
      }
    }
    return true;
  }

  /** A batch line for an upstream model, answered as a live request would be; null for any other line. */
  BatchResponse batchLine(String route, Principal caller, JsonNode body) {
    if (targets.isEmpty()) {
      return null;
    }
    UpstreamEndpoint endpoint = UpstreamEndpoint.ofRoute(route);
    Call call = endpoint == null ? null : resolve(body.deepCopy(), endpoint, settings.of(caller.projectId()).allowedModels());
    if (call == null) {
      return null;
    }
    if (call.stream()) {
      throw ApiException.invalidRequest("stream", "Streaming is not available for batch requests.");
    }
    return new BatchResponse(200, complete(null, endpoint, call.target(), call.request(), () -> false));
  }

  private record Call(Target target, ObjectNode request, boolean stream) {}

  /** The upstream call {@code body} asks for (its model replaced by the upstream's name), or null. */
  private Call resolve(JsonNode body, UpstreamEndpoint endpoint, Collection<String> allowed) {
    if (body == null || !body.isObject() || body.get("model") == null || !body.get("model").isString()) {
      return null;
    }
    String name = body.get("model").asString();
    ModelConfig config = registry.resolve(name).orElse(null);
    if (config == null || config.engine() != EngineKind.UPSTREAM || !registry.allowed(name, allowed)) {
      return null;
    }
    Target target = targets.get(config.id());
    ObjectNode request = (ObjectNode) body;
    JsonNode streamFlag = request.get("stream");
    if (streamFlag != null && !streamFlag.isNull() && !streamFlag.isBoolean()) {
      throw ApiException.invalidRequest("stream", "Invalid type for 'stream': expected a boolean.", "invalid_type");
    }
    request.put("model", target.model().upstreamName());
    return new Call(target, request, endpoint.streams && streamFlag != null && streamFlag.asBoolean(false));
  }

  /** The upstream's answer, rewritten; null if {@code clientGone} turned true first (the upstream request is then cancelled). */
  private JsonNode complete(Context ctx, UpstreamEndpoint endpoint, Target target, ObjectNode request, BooleanSupplier clientGone) {
    UpstreamModel model = target.model();
    HttpResponse<byte[]> response = send(target, build(ctx, endpoint, model, request, false),
        HttpResponse.BodyHandlers.ofByteArray(), clientGone);
    if (response == null) {
      return null;
    }
    if (response.statusCode() / 100 != 2) {
      throw failure(ctx, model, response.statusCode(), response.body(), response.headers());
    }
    JsonNode answer;
    try {
      answer = json.readTree(response.body());
    } catch (JacksonException e) {
      answer = null;
    }
    if (answer == null || !answer.isObject()) {
      log.warn("model {}: upstream answered {} with a body that is not a JSON object", model.id(), response.statusCode());
      throw badGateway(model, "answered with something that is not a JSON object");
    }
    return rewrite((ObjectNode) answer, endpoint.idPrefix == null ? null : Ids.newId(endpoint.idPrefix), model);
  }

  private void relay(Context ctx, UpstreamEndpoint endpoint, Target target, ObjectNode request) {
    UpstreamModel model = target.model();
    JsonNode options = request.get("stream_options");
    boolean clientWantsUsage = options != null && options.isObject() && options.path("include_usage").asBoolean(false);
    if (model.streamUsage() && (options == null || options.isNull())) {
      request.putObject("stream_options").put("include_usage", true);
    } else if (model.streamUsage() && options.isObject()) {
      ((ObjectNode) options).put("include_usage", true);
    }
    HttpResponse<InputStream> response = send(target, build(ctx, endpoint, model, request, true),
        HttpResponse.BodyHandlers.ofInputStream(), () -> false); // a stream learns of a departed client from its writes
    try (InputStream in = response.body()) {
      if (response.statusCode() / 100 != 2) {
        throw failure(ctx, model, response.statusCode(), readError(in), response.headers());
      }
      String type = response.headers().firstValue("content-type").orElse("");
      if (!type.startsWith("text/event-stream")) {
        log.warn("model {}: upstream answered a stream request with content type '{}'", model.id(), type);
        throw badGateway(model, "did not answer the streaming request with an event stream");
      }
      SseStream out = streams.open(ctx);
      try {
        relay(ctx, in, out, endpoint.idPrefix == null ? null : Ids.newId(endpoint.idPrefix), model, clientWantsUsage);
        if (ctx.attribute(USAGE_RECORDED) == null) {
          // a stream without a usage chunk (stream_usage: false, or cut short) still counts as a request
          UsageRecorder.record(ctx, model.id(), 0, 0);
        }
      } finally {
        out.close();
      }
    } catch (IOException e) {
      // only closing the upstream body throws here: the response is already complete
      log.debug("model {}: closing the upstream stream: {}", model.id(), e.toString());
    }
  }

  private static byte[] readError(InputStream in) {
    try {
      return in.readNBytes(MAX_ERROR_BYTES);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /** Copies events until {@code [DONE]}, an error, the end of the upstream stream or the client's departure. */
  private void relay(Context ctx, InputStream in, SseStream out, String id, UpstreamModel model, boolean clientWantsUsage) {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    StringBuilder data = new StringBuilder();
    boolean pending = false;
    IOException broken = null;
    StallWatch watch = new StallWatch(model.timeout());
    try (watch) {
      String line;
      while ((line = reader.readLine()) != null) {
        watch.touch();
        if (line.isEmpty()) {
          if (pending && data.toString().strip().equals("[DONE]")) {
            out.done();
            drain(reader); // to its end, so that the connection goes back to the pool
            return;
          }
          if (pending && !event(ctx, data.toString(), out, id, model, clientWantsUsage)) {
            return;
          }
          data.setLength(0);
          pending = false;
        } else if (line.startsWith("data:")) {
          String value = line.substring(line.startsWith("data: ") ? 6 : 5);
          if (pending) {
            data.append('\n');
          }
          data.append(value);
          pending = true;
        } // comments (":"), event:, id: and retry: lines carry nothing a client needs
      }
      if (pending && !event(ctx, data.toString(), out, id, model, clientWantsUsage)) {
        return;
      }
    } catch (IOException e) {
      broken = e;
    }
    if (!out.open()) {
      return; // the client is gone (or the server stopping): closing the body cancels the upstream request
    }
    if (watch.fired()) {
      log.warn("model {}: the upstream stream stalled for {} s", model.id(), model.timeout().toSeconds());
      out.fail(new ApiError("The upstream server of model `" + model.id() + "` sent nothing for "
          + model.timeout().toSeconds() + " s; the stream was stopped.", "server_error", null, "upstream_timeout"));
      return;
    }
    log.warn("model {}: the upstream stream {}", model.id(), broken == null ? "ended without [DONE]" : "broke: " + broken);
    out.fail(new ApiError("The upstream server of model `" + model.id() + "` ended the stream before it was complete.",
        "server_error", null, "upstream_error"));
  }

  /** Reads what follows {@code [DONE]} (normally nothing but the end of the response), up to a bound. */
  private static void drain(BufferedReader reader) throws IOException {
    char[] buffer = new char[4096];
    int left = MAX_ERROR_BYTES;
    int n;
    while (left > 0 && (n = reader.read(buffer)) != -1) {
      left -= n;
    }
  }

  /** One upstream event; false once the stream is over (done, failed, or the client gone). */
  private boolean event(Context ctx, String data, SseStream out, String id, UpstreamModel model, boolean clientWantsUsage) {
    if (data.strip().equals("[DONE]")) {
      out.done();
      return false;
    }
    JsonNode chunk;
    try {
      chunk = json.readTree(data);
    } catch (JacksonException e) {
      chunk = null;
    }
    if (chunk == null || !chunk.isObject()) {
      log.warn("model {}: the upstream sent an event that is not a JSON object", model.id());
      out.fail(new ApiError("The upstream server of model `" + model.id() + "` sent a malformed stream event.",
          "server_error", null, "upstream_error"));
      return false;
    }
    if (chunk.has("error") || "error".equals(text(chunk.get("object")))) {
      ApiError error = error(chunk, model, "server_error", "The upstream server of model `" + model.id() + "` failed mid-stream.");
      out.fail(error);
      return false;
    }
    ObjectNode c = (ObjectNode) chunk;
    JsonNode choices = c.get("choices");
    boolean usageOnly = (choices == null || (choices.isArray() && choices.isEmpty())) && c.has("usage");
    if (c.path("usage").isObject() && ctx.attribute(USAGE_RECORDED) == null) {
      ctx.attribute(USAGE_RECORDED, true);
      UsageRecorder.record(ctx, model.id(), c.get("usage"));
    }
    if (!clientWantsUsage) {
      if (usageOnly) {
        return true;
      }
      c.remove("usage");
    }
    if (!out.send(rewrite(c, id, model))) {
      if (out.shuttingDown()) {
        out.fail(SseStreams.SHUTTING_DOWN);
      }
      return false; // closing the upstream body cancels the upstream request
    }
    return true;
  }

  private static ObjectNode rewrite(ObjectNode response, String id, UpstreamModel model) {
    if (id != null && response.has("id")) {
      response.put("id", id);
    }
    if (response.has("model")) {
      response.put("model", model.id());
    }
    return response;
  }

  private HttpRequest build(Context ctx, UpstreamEndpoint endpoint, UpstreamModel model, ObjectNode body, boolean stream) {
    HttpRequest.Builder b = HttpRequest.newBuilder(model.endpoint(endpoint.path))
        .timeout(model.timeout())
        .header("Content-Type", "application/json")
        .header("Accept", stream ? "text/event-stream" : "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
    if (model.apiKey() != null) {
      b.header("Authorization", "Bearer " + model.apiKey());
    }
    String requestId = ctx == null ? null : ctx.attribute(RequestIds.MDC_KEY);
    if (requestId != null) {
      b.header("X-Client-Request-Id", requestId);
    }
    return b.build();
  }

  /**
   * Sends {@code request} and waits for its response, looking at {@code clientGone} every
   * {@value #GONE_POLL_MS} ms: once it is true the exchange is cancelled (the HTTP client closes its
   * connection, which tells the upstream server to stop) and null is returned.
   */
  private static <T> HttpResponse<T> send(Target target, HttpRequest request, HttpResponse.BodyHandler<T> handler,
      BooleanSupplier clientGone) {
    UpstreamModel model = target.model();
    try {
      CompletableFuture<HttpResponse<T>> exchange = target.http().sendAsync(request, handler);
      while (true) {
        try {
          return exchange.get(GONE_POLL_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          if (clientGone.getAsBoolean()) {
            exchange.cancel(true);
            return null;
          }
        } catch (ExecutionException e) { // what the blocking send would have thrown
          switch (e.getCause()) {
            case IOException io -> throw io;
            case RuntimeException re -> throw re;
            default -> throw new IOException(e.getCause());
          }
        }
      }
    } catch (HttpConnectTimeoutException e) {
      throw unavailable(model, "no connection within " + model.connectTimeout().toSeconds() + " s", e);
    } catch (HttpTimeoutException e) {
      log.warn("model {}: upstream timed out: {}", model.id(), e.toString());
      throw new ApiException(504, "server_error", "The upstream server of model `" + model.id()
          + "` did not answer within " + model.timeout().toSeconds() + " s.", null, "upstream_timeout");
    } catch (ConnectException e) {
      Throwable cause = e.getCause();
      String why = cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException
          ? "its host name does not resolve" : "connection refused";
      throw unavailable(model, why, e);
    } catch (IOException e) {
      log.warn("model {}: upstream request failed: {}", model.id(), e.toString());
      throw badGateway(model, "closed the connection without a complete answer");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "server_error", SseStreams.SHUTTING_DOWN.message(), null, SseStreams.SHUTTING_DOWN.code());
    }
  }

  private static ApiException unavailable(UpstreamModel model, String why, Exception e) {
    log.warn("model {}: upstream {} is unreachable: {}", model.id(), model.baseUrl(), e.toString());
    return new ApiException(503, "server_error", "The upstream server of model `" + model.id() + "` is unreachable ("
        + why + "). Please retry later.", null, "upstream_unavailable");
  }

  private static ApiException badGateway(UpstreamModel model, String what) {
    return new ApiException(502, "server_error", "The upstream server of model `" + model.id() + "` " + what + ".",
        null, "upstream_error");
  }

  /** An upstream error status as the client should see it. */
  private ApiException failure(Context ctx, UpstreamModel model, int status, byte[] body, java.net.http.HttpHeaders headers) {
    JsonNode node;
    try {
      node = body.length == 0 ? null : json.readTree(body);
    } catch (JacksonException e) {
      node = null;
    }
    if (status == 401 || status == 403) {
      // The upstream refused Hearth's credentials; its message may quote the key, so it stays in no one's sight.
      log.warn("model {}: upstream {} answered {}: check the model's api_key_env", model.id(), model.baseUrl(), status);
      return new ApiException(502, "server_error", "The upstream server of model `" + model.id()
          + "` refused Hearth's credentials (HTTP " + status + "); the server's administrator should check the"
          + " model's api_key_env.", null, "upstream_auth_failed");
    }
    String fallback = "The upstream server of model `" + model.id() + "` answered HTTP " + status + ".";
    ApiError error = node == null ? new ApiError(fallback, null, null, null) : error(node, model, null, fallback);
    if (status == 429) {
      if (ctx != null) {
        headers.firstValue("retry-after").ifPresent(v -> ctx.header("Retry-After", v));
      }
      return new ApiException(429, orElse(error.type(), "rate_limit_exceeded"), error.message(), error.param(),
          orElse(error.code(), "rate_limit_exceeded"));
    }
    if (status == 404) {
      // The caller named a model that exists here; a 404 there is the deployment's problem (upstream_model, base_url).
      log.warn("model {}: upstream {} answered 404: {}", model.id(), model.baseUrl(), error.message());
      return new ApiException(502, "server_error", "The upstream server of model `" + model.id() + "` answered 404: "
          + error.message(), null, "upstream_error");
    }
    if (status >= 500 || status < 400) {
      log.warn("model {}: upstream answered {}: {}", model.id(), status, error.message());
      return new ApiException(status == 503 || status == 504 ? status : 502, "server_error",
          "The upstream server of model `" + model.id() + "` failed (HTTP " + status + "): " + error.message(),
          null, "upstream_error");
    }
    return new ApiException(status, orElse(error.type(), "invalid_request_error"), error.message(), error.param(), error.code());
  }

  /**
   * The error an upstream body describes, in OpenAI's shape: OpenAI's and llama.cpp's
   * {@code {"error":{...}}}, Ollama's {@code {"error":"text"}}, vLLM's flat
   * {@code {"object":"error","message":...}} and FastAPI's {@code {"detail":...}}. The key is masked.
   */
  private static ApiError error(JsonNode node, UpstreamModel model, String defaultType, String fallback) {
    JsonNode source = node;
    JsonNode error = node.get("error");
    if (error != null && error.isObject()) {
      source = error;
    } else if (error != null && error.isString()) {
      return new ApiError(model.scrub(error.asString()), defaultType, null, null);
    } else if (node.get("detail") != null) {
      JsonNode detail = node.get("detail");
      return new ApiError(model.scrub(detail.isString() ? detail.asString() : detail.toString()), defaultType, null, null);
    }
    String message = text(source.get("message"));
    return new ApiError(model.scrub(message == null ? fallback : message),
        orElse(text(source.get("type")), defaultType), text(source.get("param")), text(source.get("code")));
  }

  private static String text(JsonNode node) {
    return node != null && node.isString() ? node.asString() : null;
  }

  private static String orElse(String value, String fallback) {
    return value == null ? fallback : value;
  }

  List<UpstreamModel> models() {
    return targets.values().stream().map(Target::model).toList();
  }

  @Override
  public void close() {
    targets.values().forEach(t -> t.http().shutdownNow());
  }
}
