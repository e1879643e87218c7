package dev.hearth.server.batches;

import dev.hearth.server.config.BatchesConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.api.batches.Batch;
import dev.hearth.api.batches.CreateBatchRequest;
import dev.hearth.server.config.FilesConfig;
import dev.hearth.server.files.BatchInputValidator;
import dev.hearth.server.files.FileBlobs;
import dev.hearth.server.files.FileStore;
import dev.hearth.server.files.FilesService;
import dev.hearth.server.files.StoredFile;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.http.Json;
import dev.hearth.store.Database;
import dev.hearth.store.ProjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The runner against the store, with a stand-in embeddings endpoint and a clock the test moves. */
class BatchRunnerTest {
  @TempDir Path dir;

  static final class Clock implements InstantSource {
    volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }
  }

  final Clock clock = new Clock();
  final JsonMapper mapper = Json.mapper(true);
  final List<String> calls = new ArrayList<>();
  BiFunction<String, JsonNode, BatchResponse> behaviour;
  Database db;
  FilesService files;
  BatchStore store;
  BatchesService service;
  String project;

  @BeforeEach
  void open() {
    db = Database.openSqlite(dir.resolve("hearth.db"));
    project = new ProjectStore(db, clock).getOrCreate("p").id();
    files = new FilesService(new FileStore(db), new FileBlobs(dir.resolve("files")),
        new FilesConfig(1 << 20, 1 << 30, 1 << 30, Duration.ofMinutes(1), 10), clock, new BatchInputValidator(mapper));
    store = new BatchStore(db);
    service = new BatchesService(store, files, clock, mapper, () -> {});
    behaviour = (input, body) -> {
      if (input.equals("bad")) {
        throw ApiException.invalidRequest("input", "'input' is bad.");
      }
      return new BatchResponse(200, Map.of("object", "list", "echo", input));
    };
  }

  @AfterEach
  void close() {
    db.close();
  }

  BatchRunner runner() {
    BatchDispatcher dispatcher = new BatchDispatcher().register("/v1/embeddings", (caller, body) -> {
      assertThat(caller.projectId()).isEqualTo(project);
      String input = body.get("input").asString();
      calls.add(input);
      return behaviour.apply(input, body);
    });
    return new BatchRunner(store, files, dispatcher, clock, mapper, BatchesConfig.DEFAULTS.lease());
  }

  String inputFile(String... inputs) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < inputs.length; i++) {
      sb.append("{\"custom_id\":\"r").append(i + 1).append("\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",")
          .append("\"body\":{\"model\":\"text-embedding-3-small\",\"input\":\"").append(inputs[i]).append("\"}}\n");
    }
    Path temp = files.blobs().newTemp();
    Files.writeString(temp, sb.toString());
    return files.create(project, "batch", null, new FilesService.Incoming(temp, "in.jsonl", null, Files.size(temp))).id();
  }

  Batch create(String fileId) {
    return service.create(project, new CreateBatchRequest(fileId, "/v1/embeddings", "24h", Map.of("k", "v"), null));
  }

  List<JsonNode> lines(String fileId) throws IOException {
    StoredFile f = files.find(project, fileId);
    try (InputStream in = files.open(f)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(mapper::readTree).toList();
    }
  }

  @Test
  void linesRunInOrderAndLandInTheOutputOrErrorFile() throws IOException {
    Batch batch = create(inputFile("a", "bad", "c"));
    assertThat(batch.status()).isEqualTo("validating");
    assertThat(runner().drain()).isEqualTo(1);

    Batch done = service.retrieve(project, batch.id());
    assertThat(done.status()).isEqualTo("completed");
    assertThat(done.requestCounts().total()).isEqualTo(3);
    assertThat(done.requestCounts().completed()).isEqualTo(2);
    assertThat(done.requestCounts().failed()).isEqualTo(1);
    assertThat(done.inProgressAt()).isNotNull();
    assertThat(done.finalizingAt()).isNotNull();
    assertThat(done.completedAt()).isNotNull();
    assertThat(done.metadata()).containsEntry("k", "v");
    assertThat(calls).containsExactly("a", "bad", "c");

    List<JsonNode> output = lines(done.outputFileId());
    assertThat(output).extracting(l -> l.get("custom_id").asString()).containsExactly("r1", "r3");
    JsonNode first = output.getFirst();
    assertThat(first.get("id").asString()).startsWith("batch_req_");
    assertThat(first.get("response").get("status_code").asInt()).isEqualTo(200);
    assertThat(first.get("response").get("request_id").asString()).startsWith("req_");
    assertThat(first.get("response").get("body").get("echo").asString()).isEqualTo("a");
    assertThat(first.get("error").isNull()).isTrue();

    JsonNode error = lines(done.errorFileId()).getFirst();
    assertThat(error.get("custom_id").asString()).isEqualTo("r2");
    assertThat(error.get("response").get("status_code").asInt()).isEqualTo(400);
    assertThat(error.get("response").get("body").get("error").get("param").asString()).isEqualTo("input");
    assertThat(files.find(project, done.outputFileId()).purpose()).isEqualTo("batch_output");
  }

  @Test
  void aRunnerThatDiesIsReplacedOnceItsLeaseRunsOutAndNoLineRunsTwice() throws IOException {
    Batch batch = create(inputFile("a", "crash", "c"));
    AtomicInteger crashes = new AtomicInteger();
    behaviour = (input, body) -> {
      if (input.equals("crash") && crashes.getAndIncrement() == 0) {
        throw new StackOverflowError("simulated crash"); // escapes the runner, as a killed process would
      }
      return new BatchResponse(200, Map.of("echo", input));
    };
    assertThatThrownBy(() -> runner().drain()).isInstanceOf(StackOverflowError.class);
    assertThat(service.retrieve(project, batch.id()).requestCounts().completed()).isEqualTo(1);

    // The dead runner's lease still holds: another runner leaves the batch alone...
    BatchRunner second = runner();
    assertThat(second.drain()).isZero();
    // ...until the lease runs out; then it resumes at the first line without a result.
    clock.now = clock.now.plus(BatchesConfig.DEFAULTS.lease()).plusSeconds(1);
    assertThat(second.drain()).isEqualTo(1);
    Batch done = service.retrieve(project, batch.id());
    assertThat(done.status()).isEqualTo("completed");
    assertThat(calls).containsExactly("a", "crash", "crash", "c");
    assertThat(lines(done.outputFileId())).extracting(l -> l.get("custom_id").asString()).containsExactly("r1", "r2", "r3");
  }

  @Test
  void aServerShuttingDownFinishesTheCurrentLineAndTheNextServerResumesAtOnce() throws Exception {
    Batch batch = create(inputFile("a", "b", "c"));
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    behaviour = (input, body) -> {
      if (input.equals("b")) {
        entered.countDown();
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException("interrupted", e);
        }
      }
      return new BatchResponse(200, Map.of("echo", input));
    };
    BatchRunner first = runner().start();
    first.wake();
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    first.stop(); // shutdown begins while line b runs
    go.countDown();
    first.close();
    Batch stopped = service.retrieve(project, batch.id());
    assertThat(stopped.status()).isEqualTo("in_progress");
    assertThat(stopped.requestCounts().completed()).isEqualTo(2);

    assertThat(runner().drain()).isEqualTo(1); // lease released: no wait for it to run out
    Batch done = service.retrieve(project, batch.id());
    assertThat(done.status()).isEqualTo("completed");
    assertThat(calls).containsExactly("a", "b", "c");
  }

  @Test
  void finalizingAgainReplacesOutputFilesAPredecessorWroteButNeverRecorded() throws IOException {
    Batch batch = create(inputFile("a"));
    Path stray = files.blobs().newTemp();
    Files.writeString(stray, "{\"partial\":true}\n");
    String strayId = files.createInternal(project, batch.id() + "_output.jsonl", "batch_output", stray, null).id();
    runner().drain();
    Batch done = service.retrieve(project, batch.id());
    assertThat(done.outputFileId()).isNotNull().isNotEqualTo(strayId);
    assertThatThrownBy(() -> files.find(project, strayId)).isInstanceOf(ApiException.class);
    assertThat(lines(done.outputFileId())).singleElement().satisfies(l -> assertThat(l.get("custom_id").asString()).isEqualTo("r1"));
  }

  @Test
  void cancellingMidwayKeepsWhatRanAndStopsTheRest() throws IOException {
    Batch batch = create(inputFile("a", "b", "c"));
    behaviour = (input, body) -> {
      if (input.equals("a")) {
        assertThat(service.cancel(project, batch.id()).status()).isEqualTo("cancelling");
      }
      return new BatchResponse(200, Map.of("echo", input));
    };
    runner().drain();
    Batch done = service.retrieve(project, batch.id());
    assertThat(done.status()).isEqualTo("cancelled");
    assertThat(done.cancellingAt()).isNotNull();
    assertThat(done.cancelledAt()).isNotNull();
    assertThat(calls).containsExactly("a");
    assertThat(done.requestCounts().total()).isEqualTo(3);
    assertThat(done.requestCounts().completed()).isEqualTo(1);
    assertThat(lines(done.outputFileId())).hasSize(1);
    assertThatThrownBy(() -> service.cancel(project, "batch_nope")).isInstanceOf(ApiException.class);
  }

  @Test
  void whatHasNotRunWhenTheWindowClosesExpires() throws IOException {
    Batch batch = create(inputFile("a", "b", "c"));
    behaviour = (input, body) -> {
      clock.now = clock.now.plus(Duration.ofHours(25));
      return new BatchResponse(200, Map.of("echo", input));
    };
    runner().drain();
    Batch done = service.retrieve(project, batch.id());
    assertThat(done.status()).isEqualTo("expired");
    assertThat(done.expiredAt()).isNotNull();
    assertThat(done.requestCounts().completed()).isEqualTo(1);
    assertThat(done.requestCounts().failed()).isEqualTo(2);
    assertThat(lines(done.errorFileId())).extracting(l -> l.get("error").get("code").asString())
        .containsExactly("batch_expired", "batch_expired");
    assertThat(calls).containsExactly("a");
  }

  @Test
  void linesForAnotherEndpointFailValidationWithTheirLineNumbers() throws IOException {
    Path temp = files.blobs().newTemp();
    Files.writeString(temp, "{\"custom_id\":\"x\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{\"input\":\"a\"}}\n"
        + "{\"custom_id\":\"y\",\"method\":\"POST\",\"url\":\"/v1/moderations\",\"body\":{\"input\":\"a\"}}\n");
    String fileId = files.create(project, "batch", null, new FilesService.Incoming(temp, "in.jsonl", null, Files.size(temp))).id();
    Batch batch = create(fileId);
    runner().drain();
    Batch failed = service.retrieve(project, batch.id());
    assertThat(failed.status()).isEqualTo("failed");
    assertThat(failed.failedAt()).isNotNull();
    assertThat(failed.errors().data()).singleElement().satisfies(e -> {
      assertThat(e.line()).isEqualTo(2);
      assertThat(e.code()).isEqualTo("mismatched_endpoint");
    });
    assertThat(calls).isEmpty();
  }

  @Test
  void linesRunSeveralAtOnceAndThoseCutShortByAShutdownRunAgainAfterIt() throws Exception {
    Batch batch = create(inputFile("a", "b", "c", "d", "e", "f"));
    CountDownLatch fourRunning = new CountDownLatch(4);
    CountDownLatch engineCloses = new CountDownLatch(1);
    List<String> started = java.util.Collections.synchronizedList(new ArrayList<>());
    BatchDispatcher dispatcher = new BatchDispatcher().register("/v1/embeddings", (caller, body) -> {
      started.add(body.get("input").asString());
      fourRunning.countDown();
      try {
        engineCloses.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("embedding engine closed"); // what a line sees during shutdown
    });
    BatchRunner first = new BatchRunner(store, files, dispatcher, clock, mapper, BatchesConfig.DEFAULTS.lease(), 4)
        .start();
    first.wake();
    assertThat(fourRunning.await(30, TimeUnit.SECONDS)).as("four lines in flight at once").isTrue();
    first.stop(); // the server shuts down: its engines close under the running lines
    engineCloses.countDown();
    first.close();
    assertThat(started).hasSize(4);
    Batch cut = service.retrieve(project, batch.id());
    assertThat(cut.status()).isEqualTo("in_progress");
    assertThat(cut.requestCounts().completed() + cut.requestCounts().failed())
        .as("a 500 caused by the shutdown is not an answer").isZero();

    assertThat(runner().drain()).isEqualTo(1); // the restarted server: the lease was released
    Batch done = service.retrieve(project, batch.id());
    assertThat(done.status()).isEqualTo("completed");
    assertThat(done.requestCounts().completed()).isEqualTo(6);
    assertThat(lines(done.outputFileId())).extracting(l -> l.get("custom_id").asString())
        .containsExactly("r1", "r2", "r3", "r4", "r5", "r6");
  }
}
