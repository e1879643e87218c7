package dev.hearth.server.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.models.moderations.ModerationCreateParams;
import com.openai.models.moderations.ModerationCreateResponse;
import dev.hearth.engine.grammar.GrammarMatcher;
import dev.hearth.server.config.ConfigLoader;
import dev.hearth.server.config.HearthConfig;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.TestServer;
import dev.hearth.server.testing.TinyLlm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class GuardModerationTest {
  @TempDir Path dir;

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  @Test
  void hazardCodesMapToOpenAiCategories() {
    EmbeddingClassifier.Verdict unsafe = GuardModeration.verdict("unsafe\nS1,S10", 0.9);
    assertThat(unsafe.flagged()).isTrue();
    assertThat(unsafe.wireFlags()).containsEntry("violence", true).containsEntry("illicit/violent", true)
        .containsEntry("hate", true).containsEntry("sexual", false);
    assertThat(unsafe.wireScores()).containsEntry("hate", 0.9).containsEntry("sexual", 0.0);
    assertThat(unsafe.wireFlags()).hasSize(13);

    assertThat(GuardModeration.verdict("safe", 0.1).flagged()).isFalse();
    assertThat(GuardModeration.verdict("unsafe\nS4", 0.7).wireFlags())
        .containsEntry("sexual/minors", true).containsEntry("sexual", true);
    assertThat(GuardModeration.verdict("unsafe\nS7", 0.8).flagged()).as("privacy has no OpenAI category").isFalse();
  }

  @Test
  void theAnswerGrammarAdmitsExactlyTheLlamaGuardVerdicts() {
    GrammarMatcher m = new GrammarMatcher(GuardModeration.verdictGrammar());
    assertThat(m.matches("safe")).isTrue();
    assertThat(m.matches("unsafe\nS14")).isTrue();
    assertThat(m.matches("unsafe\nS1,S2,S10")).isTrue();
    assertThat(m.matches("unsafe")).isFalse();
    assertThat(m.matches("unsafe\nS15")).isFalse();
    assertThat(m.matches("unsafe\nS0")).isFalse();
    assertThat(m.matches("safe\n")).isFalse();
  }

  @Test
  @RequiresSpec
  void aGuardModelAnswersTheModerationsEndpoint() throws Exception {
    Path model = TinyLlm.write(dir);
    Path yaml = dir.resolve("guard.yaml");
    Files.writeString(yaml, """
        models:
          - id: qwen2.5-0.5b-instruct
            enabled: false
          - id: llama-guard
            engine: guard
            source: "%s"
        """.formatted(model.toString()));
    HearthConfig config = ConfigLoader.defaults().file(yaml).set("data_dir", dir.resolve("data").toString())
        .set("server.port", "0").load();
    try (TestServer server = TestServer.start(config, List.of())) {
      OpenAIClient client = conformance.openAi(server.baseUrl(), "sk-any");
      ModerationCreateResponse r = client.moderations().create(ModerationCreateParams.builder()
          .model("llama-guard").input(ModerationCreateParams.Input.ofStrings(List.of("hello there", "another text"))).build());
      assertThat(r.model()).isEqualTo("llama-guard");
      assertThat(r.results()).hasSize(2);
      try (var raw = conformance.rawHttp(server.baseUrl(), "sk-any")) {
        var body = dev.hearth.server.testing.Envelopes.json(
            raw.post("/v1/moderations", "{\"model\":\"llama-guard\",\"input\":\"hello\"}").body());
        var result = body.get("results").get(0);
        assertThat(result.get("categories").size()).isEqualTo(13);
        boolean any = false;
        for (var c : result.get("categories").properties()) {
          any |= c.getValue().asBoolean();
          double score = result.get("category_scores").get(c.getKey()).asDouble();
          assertThat(score).isBetween(0.0, 1.0);
        }
        assertThat(result.get("flagged").asBoolean()).isEqualTo(any);
      }
    }
  }
}
