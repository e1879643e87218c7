package dev.hearth.server.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.uploads.Upload;
import com.openai.models.uploads.UploadCompleteParams;
import com.openai.models.uploads.UploadCreateParams;
import com.openai.models.uploads.parts.PartCreateParams;
import com.openai.models.uploads.parts.UploadPart;
import dev.hearth.server.conformance.ConformanceClients;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.ConformanceRecorder;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code /v1/uploads} through the official SDK; every response is validated against the spec. */
@RequiresSpec
class UploadsApiTest {
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

  private Upload create(String filename, long bytes, FilePurpose purpose) {
    return client().uploads().create(UploadCreateParams.builder()
        .filename(filename).bytes(bytes).mimeType("text/plain").purpose(purpose).build());
  }

  private UploadPart part(String uploadId, String data) {
    return client().uploads().parts().create(PartCreateParams.builder()
        .uploadId(uploadId).data(data.getBytes(StandardCharsets.UTF_8)).build());
  }

  @Test
  void partsCompletedInTheGivenOrderBecomeAFile() throws Exception {
    String a = "first half, ";
    String b = "second half\n";
    Upload upload = create("story.txt", (a + b).length(), FilePurpose.ASSISTANTS);
    assertThat(upload.id()).startsWith("upload_");
    assertThat(upload.status()).isEqualTo(Upload.Status.PENDING);
    assertThat(upload.expiresAt()).isEqualTo(upload.createdAt() + 3600);
    assertThat(upload.file()).isEmpty();

    // Parts may arrive in any order; part_ids fixes the order of the file.
    UploadPart second = part(upload.id(), b);
    UploadPart first = part(upload.id(), a);
    assertThat(first.uploadId()).isEqualTo(upload.id());
    String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest((a + b).getBytes(StandardCharsets.UTF_8)));

    Upload done = client().uploads().complete(upload.id(), UploadCompleteParams.builder()
        .partIds(List.of(first.id(), second.id())).md5(md5).build());
    assertThat(done.status()).isEqualTo(Upload.Status.COMPLETED);
    FileObject file = done.file().orElseThrow();
    assertThat(file.filename()).isEqualTo("story.txt");
    assertThat(file.bytes()).isEqualTo((a + b).length());
    assertThat(client().files().retrieve(file.id())).isEqualTo(file);

    ConformanceRecorder downloads = new ConformanceRecorder();
    try (HttpResponse content = ConformanceClients.openAi(server.baseUrl(), "sk-x", downloads).files().content(file.id())) {
      assertThat(new String(content.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(a + b);
    }
    // Part bytes are gone once the file exists.
    assertThat(partBlobs()).isEmpty();
    // A completed upload takes no more parts and cannot be cancelled.
    assertThatThrownBy(() -> part(upload.id(), "more")).isInstanceOf(BadRequestException.class);
    assertThatThrownBy(() -> client().uploads().cancel(upload.id()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("completed"));
  }

  @Test
  void completeChecksSizesPartsAndChecksum() {
    Upload upload = create("x.txt", 6, FilePurpose.USER_DATA);
    UploadPart p1 = part(upload.id(), "abc");
    assertThatThrownBy(() -> client().uploads().complete(upload.id(), UploadCompleteParams.builder().partIds(List.of(p1.id())).build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("3 bytes").contains("6 bytes"));
    UploadPart p2 = part(upload.id(), "def");
    assertThatThrownBy(() -> part(upload.id(), "g"))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("more than the 6 bytes"));
    assertThatThrownBy(() -> client().uploads().complete(upload.id(),
        UploadCompleteParams.builder().partIds(List.of(p1.id(), "part_nope")).build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("part_ids[1]"));
    assertThatThrownBy(() -> client().uploads().complete(upload.id(),
        UploadCompleteParams.builder().partIds(List.of(p1.id(), p1.id())).build()))
        .isInstanceOf(BadRequestException.class);
    assertThatThrownBy(() -> client().uploads().complete(upload.id(),
        UploadCompleteParams.builder().partIds(List.of(p1.id(), p2.id())).md5("00000000000000000000000000000000").build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("md5"));
    // Still pending after the failed attempts.
    Upload done = client().uploads().complete(upload.id(), UploadCompleteParams.builder().partIds(List.of(p2.id(), p1.id())).build());
    assertThat(done.file().orElseThrow().bytes()).isEqualTo(6);
  }

  @Test
  void cancelDropsThePartsAndUnknownUploadsAreNotFound() {
    Upload upload = create("c.txt", 10, FilePurpose.USER_DATA);
    part(upload.id(), "12345");
    Upload cancelled = client().uploads().cancel(upload.id());
    assertThat(cancelled.status()).isEqualTo(Upload.Status.CANCELLED);
    assertThat(partBlobs()).isEmpty();
    assertThatThrownBy(() -> part(upload.id(), "67890")).isInstanceOf(BadRequestException.class);
    assertThatThrownBy(() -> client().uploads().cancel("upload_doesnotexist000000000000")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void createValidatesItsFields() {
    assertThatThrownBy(() -> create("big.bin", 9L << 30, FilePurpose.USER_DATA))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.param()).contains("bytes");
          assertThat(e.getMessage()).contains("files.max_upload_bytes");
        });
    assertThatThrownBy(() -> create("p.txt", 1, FilePurpose.of("memes")))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("purpose"));
  }

  @Test
  void batchUploadsAreValidatedWhenCompleted() {
    String bad = "{\"custom_id\":\"a\"}\n";
    Upload upload = create("b.jsonl", bad.length(), FilePurpose.BATCH);
    UploadPart p = part(upload.id(), bad);
    assertThatThrownBy(() -> client().uploads().complete(upload.id(), UploadCompleteParams.builder().partIds(List.of(p.id())).build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("line 1"));
  }

  static List<Path> partBlobs() {
    try (Stream<Path> s = Files.walk(dataDir.resolve("files"))) {
      return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().startsWith("part_")).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
