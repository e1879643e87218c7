package dev.hearth.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.engine.gguf.GgmlType;
import dev.hearth.engine.tinymodel.TinyModelSpec;
import dev.hearth.engine.tinymodel.TinyModelWriter;
import dev.hearth.engine.tinymodel.TinyVocabulary;
import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.LlmFixtures;
import dev.hearth.server.testing.TestServer;
import dev.hearth.server.testing.TinyLlm;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model with the real Qwen2 vocabulary and Qwen3's published chat template: {@code reasoning_effort}
 * none turns thinking off through the template's {@code enable_thinking} (an empty think block in the
 * prompt). Needs the shared LLM fixtures.
 */
class ThinkingTemplateTest {
  @TempDir Path dir;

  @Test
  void reasoningEffortNoneRendersThePromptWithThinkingOff() throws Exception {
    Path vocab = LlmFixtures.require("vocab/ggml-vocab-qwen2.gguf");
    Path template = LlmFixtures.require("chat-templates/Qwen-Qwen3-0.6B.jinja");
    Path model = dir.resolve("qwen3-tiny.gguf");
    TinyModelWriter.write(TinyModelSpec.of("qwen3").withWeightType(GgmlType.Q8_0).withDimensions(1, 64, 4, 2, 128, 512),
        TinyVocabulary.fromGguf(vocab).withChatTemplate(Files.readString(template)), model);
    try (TestServer server = TestServer.start(TinyLlm.config(dir.resolve("data"), model, 1, 4), List.of())) {
      int thinking = promptTokens(server, "high");
      int off = promptTokens(server, "none");
      // "<think>\n\n</think>\n\n" is appended to the prompt when thinking is off
      assertThat(off).isGreaterThan(thinking);
    }
  }

  static int promptTokens(TestServer server, String effort) {
    HttpResponse<String> r = server.post("/v1/chat/completions", "{\"model\":\"tiny\",\"max_tokens\":2,\"reasoning_effort\":\""
        + effort + "\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+2?\"}]}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Envelopes.json(r.body()).get("usage").get("prompt_tokens").asInt();
  }
}
