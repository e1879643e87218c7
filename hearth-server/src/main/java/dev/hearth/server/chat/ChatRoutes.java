package dev.hearth.server.chat;

import dev.hearth.api.chat.ChatCompletionRequest;
import dev.hearth.server.auth.ProjectSettings;
import dev.hearth.server.generation.ClientDisconnect;
import dev.hearth.server.generation.LlmModels;
import dev.hearth.server.generation.Scheduler;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.http.ApiRoutes;
import dev.hearth.server.http.JsonBodies;
import dev.hearth.server.http.SseStream;
import dev.hearth.server.http.SseStreams;
import dev.hearth.server.models.ModelRegistry;
import dev.hearth.server.upstream.Upstream;
import dev.hearth.server.auth.Principal;
import dev.hearth.server.batches.BatchDispatcher;
import dev.hearth.server.batches.BatchResponse;
import dev.hearth.server.storedcompletions.ChatStorage;
import io.javalin.config.RoutesConfig;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.InstantSource;

/** {@code POST /v1/chat/completions}. */
public final class ChatRoutes implements ApiRoutes {
  /** Seconds a client refused with 429 is told to wait. */
  static final String RETRY_AFTER_SECONDS = "1";

  private final ChatCompletionService service;
  private final ProjectSettings settings;
  private final JsonBodies bodies;
  private final SseStreams streams;
  private final LlmModels models;

  public ChatRoutes(ModelRegistry registry, LlmModels models, ProjectSettings settings, JsonBodies bodies,
      SseStreams streams, InstantSource clock, BatchDispatcher batches) {
    this.service = new ChatCompletionService(registry, models, clock);
    this.settings = settings;
    this.bodies = bodies;
    this.streams = streams;
    this.models = models;
    batches.register("/v1/chat/completions", this::batchLine);
  }

  /** One line of a batch: the live path without streaming; waits for a model slot rather than 429. */
  private BatchResponse batchLine(Principal caller, JsonNode body) {
    ChatRequest request = ChatRequestValidator.validate(
        bodies.parse(body.toString().getBytes(StandardCharsets.UTF_8), ChatCompletionRequest.class));
    if (request.stream()) {
      throw ApiException.invalidRequest("stream", "Streaming is not available for batch requests.");
    }
    try (ChatCompletionService.Prepared prepared =
        service.prepare(request, settings.of(caller.projectId()).allowedModels(), true)) {
      return new BatchResponse(200, service.complete(prepared));
    }
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/v1/chat/completions", ctx -> {
      if (Upstream.forwarded(ctx)) { // engine: upstream models go to their server
        return;
      }
      ChatRequest request = ChatRequestValidator.validate(ChatStorage.begin(ctx, bodies.read(ctx, ChatCompletionRequest.class)));
      try (ClientDisconnect watch = ClientDisconnect.watch(ctx, request.stream());
          ChatCompletionService.Prepared prepared = admit(ctx, () -> service.prepare(request, settings.of(ctx).allowedModels()))) {
        if (request.stream()) {
          SseStream stream = ChatStorage.tap(ctx, streams.open(ctx));
          service.stream(prepared, stream);
        } else {
          ctx.json(ChatStorage.completed(ctx, service.complete(prepared)));
        }
      }
    });
  }

  /** Runs {@code admission}; a full scheduler becomes 429 with {@code Retry-After}. */
  public static <T> T admit(Context ctx, java.util.function.Supplier<T> admission) {
    try {
      return admission.get();
    } catch (Scheduler.QueueFullException e) {
      ctx.header("Retry-After", RETRY_AFTER_SECONDS);
      throw new ApiException(429, "rate_limit_exceeded", e.getMessage(), null, "rate_limit_exceeded");
    }
  }

  @Override
  public void close() {
    models.close();
  }
}
