package dev.hearth.server.generation;

import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that the client of a request went away while the server is still working on it, so
 * that its sequences leave the model's loop at the next round and free their slot. A streaming
 * response learns it from a failed write; a non-streaming one writes nothing until the end, and
 * Jetty does not read from an HTTP/1.1 connection while its request is being handled, so it would
 * not notice a close either. A watch therefore also polls the connection (every
 * {@value #POLL_MS} ms, a non-blocking read): end of stream or a closed endpoint means the client
 * is gone. Jetty's own failure listener covers what Jetty does notice (idle timeout, shutdown).
 *
 * <p>The route opens a watch around its work ({@code try (var w = ClientDisconnect.watch(ctx, stream))});
 * {@link StepLoop} picks it up from the request's thread (and the threads it starts for
 * {@code n} choices). A non-streaming response is written after the route returns (and the watch
 * is closed), so no keep-alive request can follow on the connection while it is polled; only a
 * client that pipelines a request behind a generation would lose the byte a poll reads (polling
 * then stops). Clients do not pipeline POSTs in practice.
 */
public final class ClientDisconnect implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClientDisconnect.class);
  static final long POLL_MS = 50;
  private static final InheritableThreadLocal<ClientDisconnect> CURRENT = new InheritableThreadLocal<>();
  private static final BooleanSupplier NEVER = () -> false;
  private static final Set<ClientDisconnect> WATCHED = ConcurrentHashMap.newKeySet();
  private static final ScheduledExecutorService POLLER = Executors.newSingleThreadScheduledExecutor(r ->
      Thread.ofPlatform().daemon().name("hearth-disconnects").unstarted(r));

  static {
    POLLER.scheduleWithFixedDelay(() -> WATCHED.forEach(ClientDisconnect::poll), POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
  }

  private final ClientDisconnect previous;
  private final EndPoint endPoint;
  private volatile boolean gone;
  private volatile boolean closed;

  private ClientDisconnect(ClientDisconnect previous, EndPoint endPoint) {
    this.previous = previous;
    this.endPoint = endPoint;
  }

  /**
   * Watches {@code ctx}'s connection until closed; generation started meanwhile on this thread
   * stops when it drops.
   *
   * @param streaming the handler writes the response itself (server-sent events): its failed
   *     writes tell when the client leaves, and the connection is not polled, since once the
   *     stream has ended a keep-alive client may already send its next request on it
   */
  public static ClientDisconnect watch(Context ctx, boolean streaming) {
    Request request = null;
    EndPoint endPoint = null;
    try {
      request = ServletContextRequest.getServletContextRequest(ctx.req());
      endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
    } catch (RuntimeException e) { // not on Jetty's servlet request: nothing to watch
      log.debug("cannot watch the client connection", e);
    }
    ClientDisconnect watch = new ClientDisconnect(CURRENT.get(), endPoint);
    if (request != null) {
      request.addFailureListener(failure -> watch.gone = !watch.closed);
    }
    if (endPoint != null && !streaming) {
      WATCHED.add(watch);
    }
    CURRENT.set(watch);
    return watch;
  }

  /** One non-blocking look at the connection; the request's own thread is not reading it meanwhile. */
  private synchronized void poll() {
    if (closed || gone) {
      return;
    }
    try {
      if (!endPoint.isOpen() || endPoint.isInputShutdown()) {
        gone = true;
        return;
      }
      ByteBuffer buffer = BufferUtil.allocate(1);
      int read = endPoint.fill(buffer);
      if (read < 0) {
        gone = true;
      } else if (read > 0) { // a pipelined request: leave the connection to Jetty from now on
        log.debug("client sent more bytes during a generation; no longer polling its connection");
        WATCHED.remove(this);
      }
    } catch (IOException | RuntimeException e) {
      gone = true;
    }
  }

  /** Whether the client went away while the request was being served (never after it: a thread that inherited the watch). */
  public boolean gone() {
    return gone && !closed;
  }

  /** The watch of the request this thread works for (false forever when there is none). */
  public static BooleanSupplier current() {
    ClientDisconnect watch = CURRENT.get();
    return watch == null ? NEVER : watch::gone;
  }

  @Override
  public void close() {
    WATCHED.remove(this);
    synchronized (this) { // waits for a poll in progress: Jetty reads the connection again after this
      closed = true;
    }
    if (CURRENT.get() == this) {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }
}
