package dev.hearth.server.completions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.api.completions.CompletionRequest;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.http.Json;
import dev.hearth.server.http.JsonBodies;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CompletionRequestValidatorTest {
  private static final JsonBodies BODIES = new JsonBodies(Json.mapper(true));

  private static LegacyCompletionRequest validate(String json) {
    return CompletionRequestValidator.validate(BODIES.parse(json.getBytes(StandardCharsets.UTF_8), CompletionRequest.class));
  }

  private static void assertRejected(String json, String param, String messagePart) {
    assertThatThrownBy(() -> validate(json)).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.toError().param()).isEqualTo(param);
      assertThat(e.getMessage()).contains(messagePart);
    });
  }

  @Test
  void everyPromptFormParses() {
    assertThat(validate("{\"model\":\"m\",\"prompt\":\"Once\"}").prompts()).singleElement()
        .satisfies(p -> assertThat(p.text()).isEqualTo("Once"));
    assertThat(validate("{\"model\":\"m\",\"prompt\":[\"a\",\"b\"]}").prompts()).extracting(CompletionPrompt::text)
        .containsExactly("a", "b");
    assertThat(validate("{\"model\":\"m\",\"prompt\":[1,2,3]}").prompts()).singleElement()
        .satisfies(p -> assertThat(p.tokens()).containsExactly(1, 2, 3));
    assertThat(validate("{\"model\":\"m\",\"prompt\":[[1],[2,3]]}").prompts()).hasSize(2)
        .allSatisfy(p -> assertThat(p.isText()).isFalse());
  }

  @Test
  void defaultsFollowTheSpec() {
    LegacyCompletionRequest r = validate("{\"model\":\"m\",\"prompt\":\"x\"}");
    assertThat(r.maxTokens()).isEqualTo(16);
    assertThat(r.n()).isEqualTo(1);
    assertThat(r.bestOf()).isEqualTo(1);
    assertThat(r.logprobs()).isNull();
    assertThat(r.echo()).isFalse();
  }

  @Test
  void invalidPromptsNameTheirPosition() {
    assertRejected("{\"model\":\"m\"}", "prompt", "Missing");
    assertRejected("{\"model\":\"m\",\"prompt\":[]}", "prompt", "empty");
    assertRejected("{\"model\":\"m\",\"prompt\":[\"a\",1]}", "prompt[1]", "expected a string");
    assertRejected("{\"model\":\"m\",\"prompt\":[1,-2]}", "prompt[1]", "non-negative");
    assertRejected("{\"model\":\"m\",\"prompt\":[[1],[]]}", "prompt[1]", "empty");
    assertRejected("{\"model\":\"m\",\"prompt\":[[1],[2,\"x\"]]}", "prompt[1][1]", "token id");
    assertRejected("{\"model\":\"m\",\"prompt\":{\"a\":1}}", "prompt", "expected a string");
  }

  @Test
  void legacyLimits() {
    assertRejected("{\"model\":\"m\",\"prompt\":\"x\",\"logprobs\":6}", "logprobs", "not between 0 and 5");
    assertRejected("{\"model\":\"m\",\"prompt\":\"x\",\"n\":3,\"best_of\":2}", "best_of", "at least 'n'");
    assertRejected("{\"model\":\"m\",\"prompt\":\"x\",\"best_of\":3,\"stream\":true}", "best_of", "cannot be streamed");
    assertRejected("{\"model\":\"m\",\"prompt\":\"x\",\"max_tokens\":-1}", "max_tokens", "minimum of 0");
    assertRejected("{\"model\":\"m\",\"prompt\":\"x\",\"stop\":[\"1\",\"2\",\"3\",\"4\",\"5\"]}", "stop", "at most 4");
    assertThat(validate("{\"model\":\"m\",\"prompt\":\"x\",\"max_tokens\":0,\"echo\":true,\"logprobs\":0}").echo()).isTrue();
  }
}
