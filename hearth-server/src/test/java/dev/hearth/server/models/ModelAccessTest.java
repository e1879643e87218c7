package dev.hearth.server.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.errors.NotFoundException;
import com.openai.models.models.Model;
import dev.hearth.server.HearthServer;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.TestServer;
import dev.hearth.store.ApiKeyStore;
import dev.hearth.store.Database;
import dev.hearth.store.ProjectStore;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A project's allowed models limit what its keys list and retrieve. */
@RequiresSpec
class ModelAccessTest {
  @TempDir Path dataDir;

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  @Test
  void aProjectsAllowListLimitsWhatItSees() {
    String secret;
    try (Database db = HearthServer.openDatabase(TestServer.config(dataDir))) {
      ProjectStore projects = new ProjectStore(db, InstantSource.system());
      var p = projects.create("limited");
      projects.updateSettings(p.id(), null, null, List.of("qwen2.5-0.5b-instruct"));
      secret = new ApiKeyStore(db, InstantSource.system()).create(p.id(), "limited").secret();
    }
    try (TestServer server = TestServer.start(dataDir)) {
      OpenAIClient limited = conformance.openAi(server.baseUrl(), secret);
      assertThat(limited.models().list().autoPager().stream().map(Model::id).toList())
          .containsExactly("qwen2.5-0.5b-instruct", "gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-4.1", "gpt-3.5-turbo");
      assertThat(limited.models().retrieve("gpt-4o-mini").id()).isEqualTo("gpt-4o-mini");
      assertThatThrownBy(() -> limited.models().retrieve("whisper-1")).isInstanceOf(NotFoundException.class);
    }
  }
}
