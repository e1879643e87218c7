package dev.hearth.server.upstream;

import dev.hearth.server.auth.ProjectSettings;
import dev.hearth.server.batches.BatchDispatcher;
import dev.hearth.server.http.ApiRoutes;
import dev.hearth.server.http.SseStreams;
import dev.hearth.server.models.ModelRegistry;
import io.javalin.config.RoutesConfig;
import java.util.function.Function;

/**
 * Upstream models ({@code engine: upstream}): builds and checks their config at startup (a bad
 * option stops the server with one line naming the key) and lets the chat, completions,
 * embeddings and moderations routes hand requests for them to the {@link UpstreamForwarder}
 * through {@link Upstream#forwarded}, and batch lines through the {@link BatchDispatcher}. It adds
 * no route of its own.
 */
public final class UpstreamRoutes implements ApiRoutes {
  private final UpstreamForwarder forwarder;

  /** Batch lines for upstream models ({@code batches}) are forwarded too, one upstream request each. */
  public UpstreamRoutes(ModelRegistry registry, ProjectSettings settings, SseStreams streams, BatchDispatcher batches) {
    this(registry, settings, streams, batches, System::getenv);
  }

  /** {@code env} resolves each model's {@code api_key_env}. */
  public UpstreamRoutes(ModelRegistry registry, ProjectSettings settings, SseStreams streams, BatchDispatcher batches,
      Function<String, String> env) {
    this.forwarder = new UpstreamForwarder(registry, settings, streams, env);
    if (!forwarder.isEmpty()) {
      batches.intercept(forwarder::batchLine);
    }
  }

  @Override
  public void register(RoutesConfig routes) {
    if (forwarder.isEmpty()) {
      return;
    }
    for (UpstreamEndpoint endpoint : UpstreamEndpoint.values()) {
      Upstream hook = ctx -> forwarder.forward(ctx, endpoint);
      routes.before(endpoint.route(), ctx -> ctx.attribute(Upstream.ATTRIBUTE, hook));
    }
  }

  @Override
  public void close() {
    forwarder.close();
  }
}
