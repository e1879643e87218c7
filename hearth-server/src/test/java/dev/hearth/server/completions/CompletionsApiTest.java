package dev.hearth.server.completions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.TestServer;
import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;
import dev.hearth.server.testing.TinyLlm;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Legacy completions through the official SDK on a tiny random-weight model; every response checked against the spec. */
@RequiresSpec
class CompletionsApiTest {
  @TempDir static Path dir;
  static int eot;
  static TestServer server;

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  @BeforeAll
  static void start() {
    Path model = TinyLlm.write(dir);
    eot = TinyLlm.endOfTurn(model);
    server = TestServer.start(TinyLlm.config(dir.resolve("data"), model, 2, 16), List.of());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  OpenAIClient client() {
    return conformance.openAi(server.baseUrl(), "sk-x");
  }

  static CompletionCreateParams.Builder request(int maxTokens) {
    return CompletionCreateParams.builder().model(CompletionCreateParams.Model.of("gpt-4o-mini")).maxTokens(maxTokens)
        .temperature(0.0).logitBias(CompletionCreateParams.LogitBias.builder()
            .putAdditionalProperty(Integer.toString(eot), JsonValue.from(-100)).build());
  }

  @Test
  void echoWithLogprobsCoversPromptAndCompletionTokens() {
    Completion c = client().completions().create(request(5).prompt("The quick brown fox").echo(true).logprobs(2).build());
    assertThat(c.id()).startsWith("cmpl-");
    assertThat(c.model()).isEqualTo("tiny");
    CompletionChoice choice = c.choices().get(0);
    assertThat(choice.text()).startsWith("The quick brown fox");
    assertThat(choice.finishReason()).isEqualTo(CompletionChoice.FinishReason.LENGTH);
    var usage = c.usage().orElseThrow();
    assertThat(usage.completionTokens()).isEqualTo(5);
    var lp = choice.logprobs().orElseThrow();
    List<String> tokens = lp.tokens().orElseThrow();
    // every prompt token but the start token the tokenizer adds, then the completion
    assertThat(tokens).hasSize((int) (usage.promptTokens() - 1 + 5));
    assertThat(String.join("", tokens)).isEqualTo(choice.text());
    List<Long> offsets = lp.textOffset().orElseThrow();
    long at = 0;
    for (int i = 0; i < tokens.size(); i++) {
      assertThat(offsets.get(i)).isEqualTo(at);
      at += tokens.get(i).length();
    }
    List<Double> logprobs = lp.tokenLogprobs().orElseThrow();
    for (int i = 1; i < logprobs.size(); i++) {
      assertThat(logprobs.get(i)).isLessThanOrEqualTo(0.0);
    }
  }

  @Test
  void everyPromptFormWithNChoicesNumberedPromptByPrompt() {
    Completion strings = client().completions().create(request(3).promptOfArrayOfStrings(List.of("One", "Two")).n(2).build());
    assertThat(strings.choices()).extracting(CompletionChoice::index).containsExactly(0L, 1L, 2L, 3L);
    Completion tokens = client().completions().create(request(3).promptOfArrayOfTokens(List.of(10L, 20L, 30L)).build());
    assertThat(tokens.usage().orElseThrow().promptTokens()).isEqualTo(3);
    Completion tokenArrays = client().completions().create(
        request(3).promptOfArrayOfTokenArrays(List.of(List.of(10L, 20L), List.of(30L))).build());
    assertThat(tokenArrays.choices()).hasSize(2);
    assertThat(tokenArrays.usage().orElseThrow().promptTokens()).isEqualTo(3);
  }

  @Test
  void bestOfGeneratesAllCandidatesAndReturnsN() {
    Completion c = client().completions().create(CompletionCreateParams.builder()
        .model(CompletionCreateParams.Model.of("tiny")).prompt("Hello").maxTokens(4).temperature(1.0).seed(5)
        .bestOf(3).n(1).logitBias(CompletionCreateParams.LogitBias.builder()
            .putAdditionalProperty(Integer.toString(eot), JsonValue.from(-100)).build()).build());
    assertThat(c.choices()).hasSize(1);
    assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(12);
  }

  @Test
  void streamingMatchesTheWholeCompletion() {
    String whole = client().completions().create(request(10).prompt("Stream me").stop("zz").build()).choices().get(0).text();
    // the spec documents only application/json for createCompletion, so the stream is read without the harness
    HttpResponse<String> r = server.post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"Stream me\",\"max_tokens\":10,"
        + "\"temperature\":0,\"stop\":\"zz\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
        + "\"logit_bias\":{\"" + eot + "\":-100}}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
    List<String> events = r.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    assertThat(events.getLast()).isEqualTo("[DONE]");
    StringBuilder streamed = new StringBuilder();
    JsonNode usage = null;
    String finish = null;
    for (String e : events.subList(0, events.size() - 1)) {
      JsonNode chunk = Envelopes.json(e);
      assertThat(chunk.get("object").asString()).isEqualTo("text_completion");
      for (JsonNode choice : chunk.get("choices")) {
        streamed.append(choice.get("text").asString());
        if (!choice.get("finish_reason").isNull()) {
          finish = choice.get("finish_reason").asString();
        }
      }
      if (chunk.has("usage") && !chunk.get("usage").isNull()) {
        usage = chunk.get("usage");
      }
    }
    assertThat(streamed.toString()).isEqualTo(whole);
    assertThat(finish).isIn("stop", "length");
    assertThat(usage).isNotNull();
  }

  @Test
  void suffixNeedsFillInTheMiddleTokens() {
    assertThatThrownBy(() -> client().completions().create(request(3).prompt("def f(").suffix("return 1").build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("suffix"));
  }
}
