package dev.hearth.server.batches;

import dev.hearth.api.batches.BatchError;
import dev.hearth.server.auth.Principal;
import dev.hearth.server.files.FileBlobs;
import dev.hearth.server.files.FilesService;
import dev.hearth.server.files.StoredFile;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.http.RequestIds;
import dev.hearth.store.Ids;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Works through batches: validating → in_progress (one line at a time, each result stored as it
 * completes) → finalizing (output and error files) → completed; or cancelling → cancelled, or
 * expired once the 24 h window has passed. Each batch is leased in the store while a runner works
 * on it, so several servers sharing PostgreSQL never run a line twice at once, and a batch whose
 * runner died is resumed by another (or by the same server after a restart) at its first line
 * without a result.
 */
public final class BatchRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BatchRunner.class);
  static final Duration POLL = Duration.ofSeconds(1);
  static final int MAX_VALIDATION_ERRORS = 100;

  private final BatchStore store;
  private final FilesService files;
  private final BatchDispatcher dispatcher;
  private final InstantSource clock;
  private final JsonMapper mapper;
  private final String owner = Ids.newId("runner_");
  private final Semaphore wakeups = new Semaphore(0);
  private volatile boolean running;
  private volatile Thread thread;

  private final Duration lease;
  private final int concurrency;

  BatchRunner(BatchStore store, FilesService files, BatchDispatcher dispatcher, InstantSource clock, JsonMapper mapper,
      Duration lease) {
    this(store, files, dispatcher, clock, mapper, lease, 1);
  }

  /** @param concurrency how many lines of a batch run at once */
  BatchRunner(BatchStore store, FilesService files, BatchDispatcher dispatcher, InstantSource clock, JsonMapper mapper,
      Duration lease, int concurrency) {
    this.lease = lease;
    this.concurrency = concurrency;
    this.store = store;
    this.files = files;
    this.dispatcher = dispatcher;
    this.clock = clock;
    this.mapper = mapper;
  }

  /** Starts the background loop: work whenever woken, and at least every second (other replicas' leftovers). */
  synchronized BatchRunner start() {
    running = true;
    thread = Thread.ofPlatform().name("hearth-batch-runner").daemon().start(() -> {
      while (running) {
        try {
          drain();
          if (running) {
            wakeups.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS);
            wakeups.drainPermits();
          }
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          if (running) {
            log.warn("batch runner failed; retrying", e);
          }
        }
      }
    });
    return this;
  }

  void wake() {
    wakeups.release();
  }

  /** Works on leasable batches until none is left; returns how many it worked on. */
  int drain() {
    int n = 0;
    Optional<String> next;
    while (running || thread == null) {
      next = store.lease(owner, clock.instant(), clock.instant().plus(lease));
      if (next.isEmpty()) {
        break;
      }
      n++;
      process(next.get());
      // Released only after a normal return: if processing failed unexpectedly the lease runs out
      // on its own, which spaces out retries of a batch that keeps failing, as after a crash.
      store.release(next.get(), owner);
    }
    return n;
  }

  private void process(String id) {
    while (true) {
      BatchRecord b = store.find(id).orElse(null);
      if (b == null) {
        return;
      }
      switch (b.status()) {
        case "validating" -> validate(b);
        case "in_progress" -> {
          if (!runLines(b)) {
            return; // lease lost or stopping
          }
        }
        case "finalizing" -> finish(b, "completed", "completed_at");
        case "cancelling" -> finish(b, "cancelled", "cancelled_at");
        default -> {
          return;
        }
      }
    }
  }

  // ---- validating ---------------------------------------------------------------------------

  private void validate(BatchRecord b) {
    Instant now = clock.instant();
    StoredFile input;
    try {
      input = files.find(b.projectId(), b.inputFileId());
    } catch (ApiException e) {
      fail(b, List.of(new BatchError("invalid_input_file", "The input file " + b.inputFileId() + " no longer exists.",
          "input_file_id", null)));
      return;
    }
    List<BatchStore.Request> requests = new ArrayList<>();
    List<BatchError> errors = new ArrayList<>();
    String[] firstModel = new String[1];
    try (InputStream in = new BufferedInputStream(files.open(input), 1 << 16)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      long offset = 0;
      long lineStart = 0;
      int lineNumber = 0;
      int c;
      while (true) {
        c = in.read();
        if (c == '\n' || c == -1) {
          lineNumber++;
          if (line.size() > 0 || c == '\n') {
            check(b, line.toByteArray(), lineNumber, lineStart, requests, errors, firstModel);
          }
          line.reset();
          if (c == -1 || errors.size() >= MAX_VALIDATION_ERRORS) {
            break;
          }
          offset++;
          lineStart = offset;
        } else {
          line.write(c);
          offset++;
        }
      }
    } catch (IOException | UncheckedIOException e) {
      errors.add(new BatchError("invalid_input_file", "The input file could not be read.", "input_file_id", null));
    }
    if (errors.isEmpty() && requests.isEmpty()) {
      errors.add(new BatchError("empty_file", "The input file contains no requests.", "input_file_id", null));
    }
    if (!errors.isEmpty()) {
      fail(b, errors);
      return;
    }
    store.start(b.id(), firstModel[0], requests, now);
  }

  private void check(BatchRecord b, byte[] bytes, int lineNumber, long offset, List<BatchStore.Request> requests,
      List<BatchError> errors, String[] firstModel) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return;
    }
    JsonNode node;
    try {
      node = mapper.readTree(text);
    } catch (JacksonException e) {
      errors.add(new BatchError("invalid_json_line", "This line is not valid JSON.", null, lineNumber));
      return;
    }
    String url = node.path("url").asString("");
    if (!url.equals(b.endpoint())) {
      errors.add(new BatchError("mismatched_endpoint", "The url '" + url + "' does not match the batch's endpoint '"
          + b.endpoint() + "'.", "url", lineNumber));
      return;
    }
    if (firstModel[0] == null && node.path("body").path("model").isString()) {
      firstModel[0] = node.path("body").path("model").asString();
    }
    requests.add(new BatchStore.Request(lineNumber, node.path("custom_id").asString(""), offset, bytes.length));
  }

  private void fail(BatchRecord b, List<BatchError> errors) {
    store.fail(b.id(), mapper.writeValueAsString(errors), clock.instant());
  }

  // ---- in_progress --------------------------------------------------------------------------

  /**
   * Runs lines until none is pending (then moves on to finalizing); false if it must stop. Up to
   * {@code concurrency} lines run at once, each on a virtual thread of its own (the engines batch
   * them: the step loop, the embedding batcher), each recorded as it completes; a line's slot in
   * the model's scheduler ranks below live requests. Lines never recorded (a crash, a lost lease)
   * are pending again for whoever holds the batch next. Before leaving (finished, cancelled,
   * expired, stopping) the runner waits for the lines it started, so that none is recorded after
   * the batch's files are written.
   */
  private boolean runLines(BatchRecord b) {
    Principal caller = new Principal(b.projectId(), null, false);
    Instant leaseUntil = clock.instant().plus(lease);
    Path input;
    try {
      input = files.blobs().pathOf(files.find(b.projectId(), b.inputFileId()).id());
    } catch (ApiException e) {
      input = null; // deleted meanwhile: the remaining lines fail
    }
    Set<Integer> inFlight = new HashSet<>();
    LinkedBlockingQueue<Done> done = new LinkedBlockingQueue<>();
    boolean leaseLost = false;
    try {
      while (running || thread == null) {
        // Record what finished; a lost lease stops the batch here (another runner has it).
        for (Done d = done.poll(); d != null; d = done.poll()) {
          inFlight.remove(d.line());
          leaseLost |= !d.recorded();
          if (d.error() != null) {
            throw d.error(); // as if the runner itself had died: the lease runs out, the line runs again
          }
        }
        if (leaseLost) {
          return false;
        }
        Instant now = clock.instant();
        if (!now.isBefore(b.expiresAt())) {
          awaitAll(inFlight, done);
          finish(b, "expired", "expired_at"); // from in_progress; a cancel that came first wins
          return true;
        }
        if (Duration.between(now, leaseUntil).compareTo(lease.dividedBy(2)) < 0) {
          leaseUntil = now.plus(lease);
          if (!store.renew(b.id(), owner, leaseUntil)) {
            return false;
          }
        }
        BatchRecord current = store.find(b.id()).orElse(null);
        if (current == null || !current.status().equals("in_progress")) {
          awaitAll(inFlight, done);
          return current != null;
        }
        if (inFlight.size() < concurrency) {
          List<BatchStore.Request> next = store.pending(b.id(), concurrency + inFlight.size());
          if (next.isEmpty() && inFlight.isEmpty()) {
            store.transition(b.id(), List.of("in_progress"), "finalizing", "finalizing_at", now);
            return true;
          }
          Path in = input;
          for (BatchStore.Request request : next) {
            if (inFlight.size() >= concurrency) {
              break;
            }
            if (inFlight.add(request.line())) {
              Thread.ofVirtual().name("hearth-batch-line").start(() -> {
                boolean recorded = false;
                Error error = null;
                try {
                  Line result = run(b, caller, in, request);
                  if (!running && thread != null && result.status() >= 500) {
                    // Failed because the server is shutting down (its engines closing under the
                    // line): not an answer; the line stays pending and runs again after the restart.
                    recorded = true;
                  } else {
                    recorded = store.record(b.id(), owner, request.line(), result.succeeded(), result.json());
                  }
                } catch (RuntimeException e) {
                  log.warn("batch {} line {} could not be recorded; it runs again later", b.id(), request.line(), e);
                  recorded = true; // not a lost lease: the line stays pending and is picked up again
                } catch (Error e) {
                  recorded = true;
                  error = e;
                } finally {
                  done.add(new Done(request.line(), recorded, error));
                }
              });
            }
          }
        }
        if (!inFlight.isEmpty()) {
          Done d;
          try {
            d = done.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
          if (d != null) {
            done.add(d); // handled at the top of the loop with the others
          }
        }
      }
      return false;
    } finally {
      awaitAll(inFlight, done);
    }
  }

  private record Done(int line, boolean recorded, Error error) {}

  /** Waits for the lines started here to finish (each is bounded by its own request's limits). */
  private static void awaitAll(Set<Integer> inFlight, LinkedBlockingQueue<Done> done) {
    boolean interrupted = false;
    while (!inFlight.isEmpty()) {
      try {
        inFlight.remove(done.take().line());
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private record Line(boolean succeeded, String json, int status) {}

  private Line run(BatchRecord b, Principal caller, Path input, BatchStore.Request request) {
    String requestId = RequestIds.next();
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("id", Ids.newId("batch_req_"));
    line.put("custom_id", request.customId());
    JsonNode body;
    try {
      body = mapper.readTree(read(input, request)).get("body");
    } catch (IOException | RuntimeException e) {
      line.put("response", null);
      line.put("error", Map.of("code", "input_file_unavailable",
          "message", "The input file was deleted or could not be read before this request ran."));
      return new Line(false, mapper.writeValueAsString(line), 0);
    }
    BatchResponse response = dispatcher.dispatch(b.endpoint(), caller, body, requestId);
    Map<String, Object> wire = new LinkedHashMap<>();
    wire.put("status_code", response.statusCode());
    wire.put("request_id", requestId);
    wire.put("body", response.body());
    line.put("response", wire);
    line.put("error", null);
    boolean ok = response.statusCode() >= 200 && response.statusCode() < 300;
    return new Line(ok, mapper.writeValueAsString(line), response.statusCode());
  }

  private static byte[] read(Path input, BatchStore.Request request) throws IOException {
    if (input == null) {
      throw new IOException("input file deleted");
    }
    try (FileChannel ch = FileChannel.open(input, StandardOpenOption.READ)) {
      ByteBuffer buffer = ByteBuffer.allocate(request.length());
      long position = request.offset();
      while (buffer.hasRemaining()) {
        int n = ch.read(buffer, position);
        if (n < 0) {
          throw new IOException("input file truncated");
        }
        position += n;
      }
      return buffer.array();
    }
  }

  // ---- finalizing, cancelling, expiring -----------------------------------------------------

  /** Writes the output and error files and moves the batch to {@code to}. */
  private void finish(BatchRecord b, String to, String timestampColumn) {
    boolean expired = to.equals("expired");
    Path output = files.blobs().newTemp();
    Path errors = files.blobs().newTemp();
    String outputId = null;
    String errorId = null;
    try {
      long[] counts = new long[2];
      try (Writer out = Files.newBufferedWriter(output, StandardCharsets.UTF_8);
          Writer err = Files.newBufferedWriter(errors, StandardCharsets.UTF_8)) {
        store.results(b.id(), r -> {
          try {
            if (r.succeeded() == null) {
              if (expired) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("id", Ids.newId("batch_req_"));
                line.put("custom_id", r.customId());
                line.put("response", null);
                line.put("error", Map.of("code", "batch_expired",
                    "message", "This request could not be executed before the completion window expired."));
                err.write(mapper.writeValueAsString(line));
                err.write('\n');
                counts[1]++;
              }
            } else if (r.succeeded()) {
              out.write(r.result());
              out.write('\n');
              counts[0]++;
            } else {
              err.write(r.result());
              err.write('\n');
              counts[1]++;
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
      // Files a crashed runner wrote here but never recorded in the batch are replaced, not duplicated.
      files.deleteNamed(b.projectId(), outputName(b), "batch_output");
      files.deleteNamed(b.projectId(), errorName(b), "batch_output");
      if (counts[0] > 0) {
        outputId = files.createInternal(b.projectId(), outputName(b), "batch_output", output, b.outputExpiresAfter()).id();
      }
      if (counts[1] > 0) {
        errorId = files.createInternal(b.projectId(), errorName(b), "batch_output", errors, b.outputExpiresAfter()).id();
      }
      if (!store.finish(b.id(), b.status(), to, timestampColumn, clock.instant(), outputId, errorId, expired)) {
        deleteQuietly(b.projectId(), outputId);
        deleteQuietly(b.projectId(), errorId);
      }
    } catch (IOException | RuntimeException e) {
      log.error("finalizing batch {} failed", b.id(), e);
      deleteQuietly(b.projectId(), outputId);
      deleteQuietly(b.projectId(), errorId);
      store.fail(b.id(), mapper.writeValueAsString(List.of(new BatchError("finalization_failed",
          "The output files could not be written: " + e.getMessage(), null, null))), clock.instant());
    } finally {
      FileBlobs.deleteQuietly(output);
      FileBlobs.deleteQuietly(errors);
    }
  }

  static String outputName(BatchRecord b) {
    return b.id() + "_output.jsonl";
  }

  static String errorName(BatchRecord b) {
    return b.id() + "_error.jsonl";
  }

  private void deleteQuietly(String projectId, String fileId) {
    if (fileId != null) {
      try {
        files.delete(projectId, fileId);
      } catch (RuntimeException ignored) {
        // already gone
      }
    }
  }

  /** Asks the loop to stop after the line it is running; does not wait. */
  void stop() {
    running = false;
    wakeups.release();
  }

  /**
   * Stops after the current line (never interrupting it: an interrupted line would be recorded as
   * failed instead of being run again) and releases the lease, so a restarted server resumes at
   * once. A line still running after 10 s is left to its thread; its batch's lease then runs out
   * and the line runs again later.
   */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      stop();
      t = thread;
    }
    if (t != null) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
