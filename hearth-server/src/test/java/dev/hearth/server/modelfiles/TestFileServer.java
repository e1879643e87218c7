package dev.hearth.server.modelfiles;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** A real HTTP server on 127.0.0.1 with scriptable per-path behaviour, recording every request it sees. */
final class TestFileServer implements AutoCloseable {

    /** What a path does for its n-th request (1-based). */
    interface Behaviour {
        void handle(HttpExchange ex, int n) throws IOException;
    }

    /** A request as the server saw it. */
    record Seen(String path, String range, String authorization) {
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Behaviour> routes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** Released when the test ends, so a stalling handler does not outlive it. */
    final CountDownLatch released = new CountDownLatch(1);

    TestFileServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            seen.add(new Seen(path, ex.getRequestHeaders().getFirst("Range"),
                    ex.getRequestHeaders().getFirst("Authorization")));
            int n = counts.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            Behaviour b = routes.get(path);
            if (b == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                b.handle(ex, n); // an exception here closes the connection without finishing the response
            }
            ex.close();
        });
        server.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** The endpoint to use as HF_ENDPOINT. */
    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    TestFileServer route(String path, Behaviour b) {
        routes.put(path, b);
        return this;
    }

    List<Seen> seen(String path) {
        return seen.stream().filter(s -> s.path().equals(path)).toList();
    }

    /** Serves {@code content}, honouring {@code Range: bytes=N-} (206, or 416 past the end). */
    static void serve(HttpExchange ex, byte[] content, boolean honourRange) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        Matcher m = range == null ? null : RANGE.matcher(range);
        if (honourRange && m != null && m.matches()) {
            long from = Long.parseLong(m.group(1));
            if (from >= content.length) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + content.length);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
            ex.sendResponseHeaders(206, content.length - from);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(content, (int) from, (int) (content.length - from));
            }
            return;
        }
        ex.sendResponseHeaders(200, content.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(content);
        }
    }

    /** Announces all of {@code content} but sends only the first {@code n} bytes, then drops the connection. */
    static void serveTruncated(HttpExchange ex, byte[] content, int n) throws IOException {
        serveTruncated(ex, content, n, null);
    }

    /**
     * Like {@link #serveTruncated(HttpExchange, byte[], int)}, but drops the connection only once
     * {@code clientHasThem} is released (by the client's progress listener). The JDK client discards bytes it has
     * received but not yet handed out when the connection fails, so without this the client may resume from a
     * little before {@code n}; tests that pin the exact Range use it.
     */
    static void serveTruncated(HttpExchange ex, byte[] content, int n, CountDownLatch clientHasThem) throws IOException {
        ex.sendResponseHeaders(200, content.length);
        OutputStream os = ex.getResponseBody();
        os.write(content, 0, n);
        os.flush();
        if (clientHasThem != null) {
            try {
                if (!clientHasThem.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    throw new IOException("the client never received the first " + n + " bytes");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // A handler that fails makes the server close the connection, mid-body.
        throw new IOException("simulated connection drop after " + n + " bytes");
    }

    /** Sends the first {@code n} bytes, then stalls until the test ends. */
    void serveStalling(HttpExchange ex, byte[] content, int n) throws IOException {
        ex.sendResponseHeaders(200, content.length);
        OutputStream os = ex.getResponseBody();
        os.write(content, 0, n);
        os.flush();
        try {
            released.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void redirect(HttpExchange ex, URI to) throws IOException {
        ex.getResponseHeaders().set("Location", to.toString());
        ex.sendResponseHeaders(302, -1);
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
