package dev.hearth.server.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.MultipartField;
import com.openai.core.http.HttpResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileDeleted;
import com.openai.models.files.FileListParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import dev.hearth.server.conformance.ConformanceClients;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.ConformanceRecorder;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.conformance.ResponseCheck;
import dev.hearth.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code /v1/files} through the official SDK; every response is validated against the spec. */
@RequiresSpec
class FilesApiTest {
  @TempDir static Path dataDir;
  static TestServer server;

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  @BeforeAll
  static void start() {
    server = TestServer.start(dataDir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private OpenAIClient client() {
    return conformance.openAi(server.baseUrl(), "sk-anything");
  }

  static FileCreateParams upload(String filename, String content, FilePurpose purpose) {
    return FileCreateParams.builder()
        .file(MultipartField.<InputStream>builder()
            .value(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)))
            .filename(filename)
            .build())
        .purpose(purpose)
        .build();
  }

  @Test
  void uploadRetrieveDownloadAndDelete() throws IOException {
    String text = "héllo, files\n";
    FileObject created = client().files().create(upload("notes.txt", text, FilePurpose.ASSISTANTS));
    assertThat(created.id()).startsWith("file-");
    assertThat(created.filename()).isEqualTo("notes.txt");
    assertThat(created.bytes()).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    assertThat(created.purpose()).isEqualTo(FileObject.Purpose.ASSISTANTS);
    assertThat(created.status()).isEqualTo(FileObject.Status.PROCESSED);
    assertThat(created.expiresAt()).isEmpty();

    FileObject retrieved = client().files().retrieve(created.id());
    assertThat(retrieved).isEqualTo(created);

    // The spec documents the download as application/json; files are served with their own type,
    // so this one response is checked apart, and only that difference is allowed.
    ConformanceRecorder downloads = new ConformanceRecorder();
    OpenAIClient downloader = ConformanceClients.openAi(server.baseUrl(), "sk-anything", downloads);
    try (HttpResponse response = downloader.files().content(created.id())) {
      assertThat(new String(response.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(text);
      assertThat(response.headers().values("Content-Type")).singleElement().asString().startsWith("text/plain");
      assertThat(response.headers().values("Content-Disposition").getFirst()).contains("filename=\"notes.txt\"");
    }
    assertThat(downloads.failures()).singleElement().satisfies(c -> onlyContentTypeDiffers(c, "downloadFile"));

    FileDeleted deleted = client().files().delete(created.id());
    assertThat(deleted.id()).isEqualTo(created.id());
    assertThat(deleted.deleted()).isTrue();
    assertThatThrownBy(() -> client().files().retrieve(created.id())).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> client().files().delete(created.id())).isInstanceOf(NotFoundException.class);
    assertThat(storedBlobs()).noneMatch(p -> p.getFileName().toString().equals(created.id()));
  }

  static void onlyContentTypeDiffers(ResponseCheck check, String operationId) {
    assertThat(check.operationId()).isEqualTo(operationId);
    assertThat(check.violations()).singleElement().satisfies(v -> assertThat(v.keyword()).isEqualTo("content-type"));
  }

  @Test
  void listFiltersByPurposeAndPagesWithACursor() {
    OpenAIClient client = client();
    String[] ids = new String[3];
    for (int i = 0; i < 3; i++) {
      ids[i] = client.files().create(upload("page" + i + ".txt", "x" + i, FilePurpose.USER_DATA)).id();
    }
    String other = client.files().create(upload("v.png", "not really a png", FilePurpose.VISION)).id();

    var firstPage = client.files().list(FileListParams.builder().purpose("user_data").limit(2).order(FileListParams.Order.ASC).build());
    List<String> first = firstPage.data().stream().map(FileObject::id).toList();
    List<String> all = client.files().list(FileListParams.builder().purpose("user_data").order(FileListParams.Order.ASC).build())
        .data().stream().map(FileObject::id).toList();
    assertThat(all).containsSubsequence(ids[0], ids[1], ids[2]).doesNotContain(other);
    assertThat(first).hasSize(2);
    assertThat(firstPage.hasNextPage()).isTrue();
    var next = firstPage.nextPage();
    assertThat(next.data().getFirst().id()).isEqualTo(all.get(2));

    List<String> newestFirst = client.files().list(FileListParams.builder().purpose("vision").build())
        .data().stream().map(FileObject::id).toList();
    assertThat(newestFirst).containsExactly(other);
    List<String> everything = client.files().list().autoPager().stream().map(FileObject::id).toList();
    assertThat(everything).contains(ids[0], ids[1], ids[2], other);
  }

  @Test
  void expiresAfterSetsExpiresAtAndBatchFilesExpireIn30DaysByDefault() {
    FileObject expiring = client().files().create(FileCreateParams.builder()
        .file(MultipartField.<InputStream>builder().value(new ByteArrayInputStream(new byte[] {1, 2, 3})).filename("b.bin").build())
        .purpose(FilePurpose.USER_DATA)
        .expiresAfter(FileCreateParams.ExpiresAfter.builder().seconds(3600).build())
        .build());
    assertThat(expiring.expiresAt()).contains(expiring.createdAt() + 3600);

    FileObject batch = client().files().create(upload("in.jsonl", batchLine("a") + "\n", FilePurpose.BATCH));
    assertThat(batch.expiresAt()).contains(batch.createdAt() + 30L * 24 * 3600);

    assertThatThrownBy(() -> client().files().create(FileCreateParams.builder()
        .file(MultipartField.<InputStream>builder().value(new ByteArrayInputStream(new byte[] {1})).filename("c.bin").build())
        .purpose(FilePurpose.USER_DATA)
        .expiresAfter(FileCreateParams.ExpiresAfter.builder().seconds(60).build())
        .build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.param()).contains("expires_after.seconds");
          assertThat(e.getMessage()).contains("3600");
        });
  }

  static String batchLine(String customId) {
    return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
        + "\"body\":{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}";
  }

  @Test
  void batchFilesAreValidatedAndErrorsNameTheLines() {
    String content = String.join("\n",
        batchLine("one"),
        "not json",
        batchLine("one"),
        "{\"custom_id\":\"x\",\"method\":\"GET\",\"url\":\"/v1/chat/completions\",\"body\":{}}",
        "{\"custom_id\":\"y\",\"method\":\"POST\",\"url\":\"/v1/nope\",\"body\":{}}",
        "{\"custom_id\":\"z\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":[]}",
        "[1]",
        batchLine("two"));
    assertThatThrownBy(() -> client().files().create(upload("bad.jsonl", content, FilePurpose.BATCH)))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.param()).contains("file");
          assertThat(e.getMessage())
              .contains("line 2: not valid JSON")
              .contains("line 3: duplicate custom_id 'one' (first on line 1)")
              .contains("line 4: 'method'")
              .contains("line 5: 'url'")
              .contains("line 6: 'body'")
              .contains("line 7: expected a JSON object")
              .doesNotContain("line 1:", "line 8:");
        });
    assertThatThrownBy(() -> client().files().create(upload("empty.jsonl", "\n\n", FilePurpose.BATCH)))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("no requests"));
    // Rejected uploads leave no bytes behind.
    assertThat(storedBlobs().stream().map(p -> p.getFileName().toString()))
        .allMatch(name -> name.startsWith("file-"));
    assertThat(client().files().create(upload("good.jsonl", batchLine("a") + "\n" + batchLine("b") + "\n", FilePurpose.BATCH))
        .purpose()).isEqualTo(FileObject.Purpose.BATCH);
  }

  @Test
  void unknownAndMissingFieldsAreRejected() {
    assertThatThrownBy(() -> client().files().create(FileCreateParams.builder()
        .file(new byte[] {1}).purpose(FilePurpose.of("memes")).build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("purpose"));
    assertThatThrownBy(() -> client().files().retrieve("file-doesnotexist0000000000"))
        .isInstanceOf(NotFoundException.class);
  }

  static List<Path> storedBlobs() {
    try (Stream<Path> files = Files.walk(dataDir.resolve("files"))) {
      return files.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
