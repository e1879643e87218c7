package dev.hearth.server.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.files.FileListParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import dev.hearth.server.HearthServer;
import dev.hearth.server.config.HearthConfig;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.TestServer;
import dev.hearth.store.ApiKeyStore;
import dev.hearth.store.Database;
import dev.hearth.store.ProjectStore;
import java.nio.file.Path;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** One project's key never sees another project's files: every access is a 404, lists leave them out. */
@RequiresSpec
class FilesIsolationTest {
  @TempDir Path dataDir;

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  private static String key(HearthConfig config, String project) {
    try (Database db = HearthServer.openDatabase(config)) {
      var p = new ProjectStore(db, InstantSource.system()).getOrCreate(project);
      return new ApiKeyStore(db, InstantSource.system()).create(p.id(), project).secret();
    }
  }

  @Test
  void projectBNeverSeesProjectAsFile() {
    HearthConfig config = TestServer.config(dataDir);
    String keyA = key(config, "alpha");
    String keyB = key(config, "beta");
    try (TestServer server = TestServer.start(dataDir)) {
      OpenAIClient a = conformance.openAi(server.baseUrl(), keyA);
      OpenAIClient b = conformance.openAi(server.baseUrl(), keyB);
      FileObject secret = a.files().create(FilesApiTest.upload("secret.txt", "alpha only", FilePurpose.USER_DATA));

      assertThatThrownBy(() -> b.files().retrieve(secret.id())).isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> b.files().content(secret.id())).isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> b.files().delete(secret.id())).isInstanceOf(NotFoundException.class);
      assertThat(b.files().list().data()).isEmpty();
      assertThatThrownBy(() -> b.files().list(FileListParams.builder().after(secret.id()).build()))
          .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("after"));

      // Still there for its owner.
      assertThat(a.files().retrieve(secret.id()).id()).isEqualTo(secret.id());
      assertThat(a.files().list().data()).extracting(FileObject::id).containsExactly(secret.id());
    }
  }
}
