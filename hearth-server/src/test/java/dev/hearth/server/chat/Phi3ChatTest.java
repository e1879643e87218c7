package dev.hearth.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.JsonNode;
import dev.hearth.engine.gguf.GgmlType;
import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.model.ModelLoader;
import dev.hearth.engine.tinymodel.TinyModelSpec;
import dev.hearth.engine.tinymodel.TinyModelWriter;
import dev.hearth.engine.tinymodel.TinyVocabulary;
import dev.hearth.engine.tokenizer.Tokenizer;
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
 * A phi3 model (fused q/k/v and gate/up matrices, LongRoPE) with Phi-3's real SentencePiece
 * vocabulary and Phi-3.5-mini's published chat template, served through the chat API. Needs the
 * shared LLM fixtures.
 */
class Phi3ChatTest {
  @TempDir Path dir;

  @Test
  void aPhi3ModelChatsWithItsOwnTemplateAndEndsItsTurnAtEnd() throws Exception {
    Path vocab = LlmFixtures.require("vocab/ggml-vocab-phi-3.gguf");
    Path template = LlmFixtures.require("chat-templates/microsoft-Phi-3.5-mini-instruct.jinja");
    Path model = dir.resolve("phi3-tiny.gguf");
    TinyModelWriter.write(TinyModelSpec.of("phi3").withWeightType(GgmlType.Q8_0).withDimensions(1, 64, 4, 2, 128, 4096)
            .withRopeScaling(new TinyModelSpec.LongRopeScaling(1.19f, 1024)),
        TinyVocabulary.fromGguf(vocab).withChatTemplate(Files.readString(template)), model);
    int expectedPrompt;
    int end;
    try (GgufFile file = GgufFile.open(model)) {
      Tokenizer tokenizer = ModelLoader.load(file).tokenizer();
      // the template's documented format, written by hand; no BOS, as the template writes none
      expectedPrompt = tokenizer.encode("<|user|>\nWhat is 2+2?<|end|>\n<|assistant|>\n", false, true).length;
      end = tokenizer.vocabulary().id("<|end|>");
      assertThat(tokenizer.specialTokens().isEndOfGeneration(end)).isTrue();
    }
    try (TestServer server = TestServer.start(TinyLlm.config(dir.resolve("data"), model, 1, 4), List.of())) {
      HttpResponse<String> r = server.post("/v1/chat/completions", "{\"model\":\"tiny\",\"max_tokens\":8,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+2?\"}]}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode body = Envelopes.json(r.body());
      assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(expectedPrompt);
      assertThat(body.get("choices").get(0).get("message").get("content").isTextual()).isTrue();

      // a logit bias that forces <|end|> ends the turn at once: an empty reply that stopped, not one cut off
      HttpResponse<String> stop = server.post("/v1/chat/completions", "{\"model\":\"tiny\",\"max_tokens\":8,"
          + "\"logit_bias\":{\"" + end + "\":100},\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+2?\"}]}");
      assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
      JsonNode choice = Envelopes.json(stop.body()).get("choices").get(0);
      assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
      assertThat(choice.get("message").get("content").asText()).isEmpty();
    }
  }
}
