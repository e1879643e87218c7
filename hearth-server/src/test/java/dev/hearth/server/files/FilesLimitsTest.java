package dev.hearth.server.files;

import static dev.hearth.server.testing.Envelopes.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Size limits, large uploads with bounded memory, and interrupted uploads. */
class FilesLimitsTest {
  @TempDir Path dataDir;

  static HttpResponse<String> upload(TestServer server, Multipart form, String filename, long size, boolean withLength) {
    HttpRequest.BodyPublisher body = withLength
        ? HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofInputStream(() -> form.stream(filename, size)), form.length(filename, size))
        : HttpRequest.BodyPublishers.ofInputStream(() -> form.stream(filename, size));
    return server.send(server.request("/v1/files").header("Content-Type", Multipart.CONTENT_TYPE).POST(body).build());
  }

  /**
   * Refused again and again on one client: every refusal arrives. (Jetty closes the connection
   * after a refused multipart body; before the answer said so, the client reused it about one
   * request in seven and got "header parser received no bytes" instead of its 413.)
   */
  @Test
  void filesOverTheFileLimitGet413NamingTheLimitWhetherOrNotTheLengthIsDeclared() {
    try (TestServer server = TestServer.start(dataDir, "files.max_file_bytes=100000")) {
      Multipart form = new Multipart().field("purpose", "user_data");
      for (int round = 0; round < 16; round++) {
        for (boolean withLength : new boolean[] {true, false}) {
          JsonNode error = assertError(upload(server, form, "big.bin", 300_000 + round, withLength), 413);
          assertThat(error.get("message").asString()).contains("100000").contains("files.max_file_bytes");
          assertThat(error.get("code").asString()).isEqualTo("file_too_large");
        }
      }
      assertThat(upload(server, form, "ok.bin", 100_000, true).statusCode()).isEqualTo(200);
      assertThat(blobs()).hasSize(1);
    }
  }

  @Test
  void projectStorageIsCapped() {
    try (TestServer server = TestServer.start(dataDir, "files.max_project_bytes=150000")) {
      Multipart form = new Multipart().field("purpose", "user_data");
      assertThat(upload(server, form, "a.bin", 100_000, true).statusCode()).isEqualTo(200);
      JsonNode error = assertError(upload(server, form, "b.bin", 100_000, false), 413);
      assertThat(error.get("code").asString()).isEqualTo("storage_quota_exceeded");
      assertThat(error.get("message").asString()).contains("files.max_project_bytes");
      assertThat(upload(server, form, "c.bin", 50_000, true).statusCode()).isEqualTo(200);
      assertThat(blobs()).hasSize(2);
    }
  }

  /**
   * 100 MB through a server whose JSON limit is 1 MB: the upload streams to disk (the old
   * generation's peak grows by far less than the file), while a JSON body over the JSON limit
   * still gets 413.
   */
  @Test
  void aHundredMegabyteUploadStreamsWithBoundedMemoryWhileJsonBodiesKeepTheirLimit() throws IOException {
    long size = 100L << 20;
    try (TestServer server = TestServer.start(dataDir, "server.max_request_bytes=1048576")) {
      JsonNode tooLarge = assertError(server.post("/v1/organization/projects", "{\"name\":\"" + "x".repeat(2 << 20) + "\"}"), 413);
      assertThat(tooLarge.get("message").asString()).contains("server.max_request_bytes");

      System.gc();
      List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP && p.isUsageThresholdSupported()).toList();
      long before = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
      heap.forEach(MemoryPoolMXBean::resetPeakUsage);

      HttpResponse<String> response = upload(server, new Multipart().field("purpose", "user_data"), "big.bin", size, false);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

      long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
      System.out.printf("100 MB upload: old-generation peak grew by %.1f MB%n", (peak - before) / 1048576.0);
      assertThat(peak - before).as("old-generation growth during a 100 MB upload").isLessThan(32L << 20);

      JsonNode file = Envelopes.json(response.body());
      assertThat(file.get("bytes").asLong()).isEqualTo(size);
      Path stored = blobs().getFirst();
      assertThat(Files.size(stored)).isEqualTo(size);
      try (InputStream in = Files.newInputStream(stored)) {
        byte[] head = in.readNBytes(52);
        for (int i = 0; i < head.length; i++) {
          assertThat(head[i]).isEqualTo(Multipart.Generated.at(i));
        }
      }
    }
  }

  @Test
  void anUploadCutOffMidwayLeavesNoFile() throws Exception {
    try (TestServer server = TestServer.start(dataDir)) {
      Multipart form = new Multipart().field("purpose", "user_data");
      long size = 4L << 20;
      try (Socket socket = new Socket("127.0.0.1", server.server().port())) {
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + Multipart.CONTENT_TYPE
            + "\r\nContent-Length: " + form.length("cut.bin", size) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        try (InputStream body = form.stream("cut.bin", size)) {
          out.write(body.readNBytes((int) (size / 2)));
        }
        out.flush();
      } // the client goes away with half the body sent

      HttpResponse<String> list = server.get("/v1/files");
      assertThat(Envelopes.json(list.body()).get("data").size()).isZero();
      assertThat(blobs()).isEmpty();
    }
  }

  @Test
  void whatACrashLeftInTheTempDirectoryIsRemovedAtStart() throws IOException {
    Path tmp = Files.createDirectories(dataDir.resolve("files/tmp"));
    Files.write(tmp.resolve("3f2a.upload"), new byte[1024]);
    try (TestServer server = TestServer.start(dataDir)) {
      assertThat(tmp).isEmptyDirectory();
      assertThat(Envelopes.json(server.get("/v1/files").body()).get("data").size()).isZero();
    }
  }

  @Test
  void nonMultipartBodiesAndMissingPartsAreRejected() {
    try (TestServer server = TestServer.start(dataDir)) {
      assertThat(assertError(server.post("/v1/files", "{\"purpose\":\"batch\"}"), 400).get("message").asString())
          .contains("multipart/form-data");
      HttpResponse<String> noPurpose = upload(server, new Multipart(), "a.txt", 10, true);
      assertThat(assertError(noPurpose, 400).get("param").asString()).isEqualTo("purpose");
      HttpResponse<String> unknown = upload(server, new Multipart().field("purpose", "user_data").field("colour", "red"), "a.txt", 10, true);
      assertThat(assertError(unknown, 400).get("param").asString()).isEqualTo("colour");
      assertThat(blobs()).isEmpty();
    }
  }

  /** The bytes stored under files/ (the temp directory excluded). */
  List<Path> blobs() {
    try (Stream<Path> s = Files.walk(dataDir.resolve("files"))) {
      return s.filter(Files::isRegularFile).filter(p -> !p.getParent().getFileName().toString().equals("tmp")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
