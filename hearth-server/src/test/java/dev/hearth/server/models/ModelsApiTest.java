package dev.hearth.server.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.errors.NotFoundException;
import com.openai.models.models.Model;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.RawHttp;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code /v1/models} through the official SDK; every response is validated against the spec. */
@RequiresSpec
class ModelsApiTest {
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

  @Test
  void listShowsLocalModelsAndTheOpenAiNamesThatResolveToThem() {
    List<String> ids = client().models().list().autoPager().stream().map(Model::id).toList();
    assertThat(ids).contains("qwen2.5-0.5b-instruct", "gpt-4o-mini", "text-embedding-3-small", "whisper-1", "tts-1",
        "omni-moderation-latest");
  }

  @Test
  void retrieveByAliasOrId() {
    Model alias = client().models().retrieve("gpt-4o-mini");
    assertThat(alias.id()).isEqualTo("gpt-4o-mini");
    assertThat(alias.ownedBy()).isEqualTo("hearth");
    assertThat(client().models().retrieve("all-minilm-l6-v2").id()).isEqualTo("all-minilm-l6-v2");
  }

  @Test
  void unknownModelsAreNotFoundWithModelNotFound() {
    assertThatThrownBy(() -> client().models().retrieve("gpt-9"))
        .isInstanceOfSatisfying(NotFoundException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(404);
          assertThat(e.code()).contains("model_not_found");
          assertThat(e.param()).contains("model");
        });
  }

  @Test
  void onlyFineTunedModelsCanBeDeleted() {
    assertThatThrownBy(() -> client().models().delete("gpt-4o-mini"))
        .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.getMessage()).contains("not a fine-tuned model"));
  }

  @Test
  void errorsForUnknownRoutesAndMethodsMatchTheSpec() {
    try (RawHttp raw = conformance.rawHttp(server.baseUrl(), "sk-anything")) {
      assertThat(raw.get("/v1/models").statusCode()).isEqualTo(200);
      assertThat(raw.get("/v1/no-such-endpoint").statusCode()).isEqualTo(404);
      assertThat(raw.send("PATCH", "/v1/models", "application/json", "{}").statusCode()).isEqualTo(405);
    }
  }
}
