package dev.hearth.server.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.api.models.Model;
import dev.hearth.server.config.EngineKind;
import dev.hearth.server.config.ModelConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {
  private final ModelRegistry registry = new ModelRegistry(List.of(
      new ModelConfig("qwen", EngineKind.GGUF, "hf://a/b/c.gguf", List.of("gpt-4o-mini", "gpt-4o"), Map.of(), "hearth"),
      new ModelConfig("minilm", EngineKind.ONNX_EMBEDDING, "", List.of("text-embedding-3-small"), Map.of(), "hearth")),
      Instant.ofEpochSecond(1_700_000_000));

  @Test
  void aliasesResolveToTheirModel() {
    assertThat(registry.resolve("gpt-4o-mini")).map(ModelConfig::id).contains("qwen");
    assertThat(registry.resolve("qwen")).map(ModelConfig::id).contains("qwen");
    assertThat(registry.resolve("gpt-5")).isEmpty();
  }

  @Test
  void listingShowsEveryUsableName() {
    assertThat(registry.list(List.of())).extracting(Model::id)
        .containsExactly("qwen", "gpt-4o-mini", "gpt-4o", "minilm", "text-embedding-3-small");
    assertThat(registry.list(List.of())).allSatisfy(m -> {
      assertThat(m.object()).isEqualTo("model");
      assertThat(m.created()).isEqualTo(1_700_000_000L);
    });
  }

  @Test
  void anAllowListNamingAModelAllowsItsAliasesAndNamingAnAliasAllowsOnlyThatName() {
    assertThat(registry.list(List.of("qwen"))).extracting(Model::id).containsExactly("qwen", "gpt-4o-mini", "gpt-4o");
    assertThat(registry.list(List.of("text-embedding-3-small"))).extracting(Model::id).containsExactly("text-embedding-3-small");
    assertThat(registry.describe("minilm", List.of("qwen"))).isEmpty();
  }
}
