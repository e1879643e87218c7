package dev.hearth.server.http;

import dev.hearth.api.error.ApiError;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * Opens {@link SseStream}s and knows which are live, so that a shutdown can tell every producer to
 * end its stream cleanly (an error event, then the end of the response) instead of cutting
 * connections.
 */
public final class SseStreams {
  public static final ApiError SHUTTING_DOWN =
      new ApiError("The server is shutting down; please retry the request.", "server_error", null, "server_shutting_down");

  private final JsonMapper mapper;
  private final Set<SseStream> live = ConcurrentHashMap.newKeySet();
  private volatile boolean shuttingDown;

  public SseStreams(JsonMapper mapper) {
    this.mapper = mapper;
  }

  public SseStream open(Context ctx) {
    if (shuttingDown) {
      throw new ApiException(503, "server_error", SHUTTING_DOWN.message(), null, SHUTTING_DOWN.code());
    }
    SseStream[] holder = new SseStream[1];
    try {
      holder[0] = new SseStream(ctx, mapper, () -> live.remove(holder[0]));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    live.add(holder[0]);
    return holder[0];
  }

  /** Asks every live stream to wrap up; their producers see {@code send} return false. */
  public void shutdown() {
    shuttingDown = true;
    live.forEach(SseStream::shutdown);
  }

  public int live() {
    return live.size();
  }
}
