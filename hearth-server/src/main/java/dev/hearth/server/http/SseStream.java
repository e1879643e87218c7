package dev.hearth.server.http;

import dev.hearth.api.error.ApiError;
import dev.hearth.api.error.ErrorResponse;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.json.JsonMapper;

/**
 * One server-sent-event response framed as OpenAI frames it: each chunk is a {@code data: {json}}
 * line and a blank line, flushed at once; a normal end is {@code data: [DONE]}. A stream stops
 * accepting chunks when the client goes away or the server shuts down: {@link #send} then
 * returns false so the producer can free its resources within one step.
 */
public final class SseStream implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SseStream.class);
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream out;
  private final JsonMapper mapper;
  private final Runnable onClose;
  private volatile boolean shuttingDown;
  private boolean broken;
  private boolean closed;
  private Tap tap;

  /**
   * Sees every chunk before it is written (and may drop it by returning null), and runs before a
   * normal end, so what it records is committed before the client sees {@code [DONE]}. If
   * {@code beforeDone} throws, the stream ends with a server error event instead.
   */
  public interface Tap {
    Object onChunk(Object chunk);

    void beforeDone();
  }

  SseStream(Context ctx, JsonMapper mapper, Runnable onClose) throws IOException {
    this.mapper = mapper;
    this.onClose = onClose;
    ctx.status(200);
    ctx.contentType("text/event-stream; charset=utf-8");
    ctx.header("Cache-Control", "no-cache");
    ctx.header("X-Accel-Buffering", "no");
    this.out = ctx.res().getOutputStream();
  }

  /** Installs {@code tap} (one per stream); returns this stream. */
  public synchronized SseStream tap(Tap tap) {
    this.tap = tap;
    return this;
  }

  /** Writes one chunk; false once the client has gone or the server is shutting down. */
  public synchronized boolean send(Object chunk) {
    if (!open()) {
      return false;
    }
    if (tap != null && (chunk = tap.onChunk(chunk)) == null) {
      return true;
    }
    return write(DATA, mapper.writeValueAsBytes(chunk), END);
  }

  /** Ends the stream normally with {@code data: [DONE]}. */
  public synchronized void done() {
    if (tap != null && !broken && !closed) {
      try {
        tap.beforeDone();
      } catch (RuntimeException e) {
        log.error("stream could not be finished ({})", e.getClass().getName());
        fail(new ApiError("The server had an error while processing your request.", "server_error", null, "server_error"));
        return;
      }
    }
    if (!broken && !closed) {
      write(DONE);
    }
    close();
  }

  /** Ends the stream with an error event, as OpenAI does when a stream fails midway. */
  public synchronized void fail(ApiError error) {
    if (!broken && !closed) {
      write(DATA, mapper.writeValueAsBytes(new ErrorResponse(error)), END);
    }
    close();
  }

  /** Whether chunks can still be sent. */
  public boolean open() {
    return !broken && !closed && !shuttingDown;
  }

  /** Whether the stream stopped because the server is shutting down (producers should {@link #fail}). */
  public boolean shuttingDown() {
    return shuttingDown;
  }

  void shutdown() {
    shuttingDown = true;
  }

  private boolean write(byte[]... parts) {
    try {
      for (byte[] part : parts) {
        out.write(part);
      }
      out.flush();
      return true;
    } catch (IOException e) {
      broken = true; // the client disconnected
      return false;
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      onClose.run();
    }
  }
}
