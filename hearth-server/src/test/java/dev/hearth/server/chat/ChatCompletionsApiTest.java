package dev.hearth.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.RawHttp;
import dev.hearth.server.conformance.RawResponse;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.TestServer;
import dev.hearth.server.testing.TinyLlm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Chat completions through the official SDK on a tiny random-weight model; every response checked against the spec. */
@RequiresSpec
class ChatCompletionsApiTest {
  @TempDir static Path dir;
  static Path model;
  static int eot;
  static TestServer server;

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  @BeforeAll
  static void start() {
    model = TinyLlm.write(dir);
    eot = TinyLlm.endOfTurn(model);
    server = TestServer.start(TinyLlm.config(dir.resolve("data"), model, 4, 16), List.of());
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

  /** Greedy, end-of-turn banned: every request runs to its token budget. */
  static ChatCompletionCreateParams.Builder request(String user, int maxTokens) {
    return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage(user).maxCompletionTokens(maxTokens)
        .temperature(0.0).logitBias(ChatCompletionCreateParams.LogitBias.builder()
            .putAdditionalProperty(Integer.toString(eot), JsonValue.from(-100)).build());
  }

  @Test
  void completesWithExactUsageAndTheCanonicalModel() {
    ChatCompletion c = client().chat().completions().create(request("Hello there", 6).build());
    assertThat(c.id()).startsWith("chatcmpl-");
    assertThat(c.model()).isEqualTo("tiny");
    assertThat(c.systemFingerprint()).isPresent();
    assertThat(c.choices()).hasSize(1);
    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
    assertThat(c.choices().get(0).message().content()).isPresent();
    var usage = c.usage().orElseThrow();
    assertThat(usage.promptTokens()).isEqualTo(TinyLlm.chatPromptTokens(model, "Hello there"));
    assertThat(usage.completionTokens()).isEqualTo(6);
    assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + 6);
  }

  @Test
  void sameSeedSameOutputAndNChoices() {
    ChatCompletionCreateParams p = ChatCompletionCreateParams.builder().model("tiny").addUserMessage("Tell me a story")
        .maxCompletionTokens(12).temperature(1.0).seed(1234).n(3).build();
    ChatCompletion a = client().chat().completions().create(p);
    ChatCompletion b = client().chat().completions().create(p);
    assertThat(a.choices()).hasSize(3);
    assertThat(a.choices().stream().map(ChatCompletion.Choice::index).toList()).containsExactly(0L, 1L, 2L);
    assertThat(texts(a)).isEqualTo(texts(b));
    assertThat(a.usage().orElseThrow().completionTokens()).isEqualTo(b.usage().orElseThrow().completionTokens());
  }

  @Test
  void logprobsHaveOneEntryPerTokenWithTheRequestedAlternatives() {
    ChatCompletion c = client().chat().completions().create(request("Hi", 5).logprobs(true).topLogprobs(3).build());
    List<ChatCompletionTokenLogprob> content = c.choices().get(0).logprobs().orElseThrow().content().orElseThrow();
    assertThat(content).hasSize(5);
    StringBuilder text = new StringBuilder();
    for (ChatCompletionTokenLogprob t : content) {
      assertThat(t.logprob()).isLessThanOrEqualTo(0);
      assertThat(t.topLogprobs()).hasSize(3);
      // greedy: the chosen token is the most likely one
      assertThat(t.topLogprobs().get(0).token()).isEqualTo(t.token());
      assertThat(t.topLogprobs().get(0).logprob()).isGreaterThanOrEqualTo(t.topLogprobs().get(1).logprob());
      text.append(t.token());
    }
    assertThat(c.choices().get(0).message().content().orElseThrow()).isEqualTo(text.toString());
  }

  @Test
  void stopSequenceSplitAcrossTokensIsNeverEmittedWholeOrStreamed() {
    ChatCompletion free = client().chat().completions().create(request("Once upon", 24).logprobs(true).build());
    List<ChatCompletionTokenLogprob> tokens = free.choices().get(0).logprobs().orElseThrow().content().orElseThrow();
    String full = free.choices().get(0).message().content().orElseThrow();
    // a stop string made of the end of one token and the start of the next
    String stop = null;
    int offset = 0;
    for (int i = 0; i + 1 < tokens.size() && stop == null; i++) {
      String a = tokens.get(i).token();
      String b = tokens.get(i + 1).token();
      offset += a.length();
      if (i > 0 && !a.isEmpty() && !b.isEmpty() && !a.contains("\uFFFD") && !b.contains("\uFFFD")) {
        stop = a.substring(a.length() - 1) + b.charAt(0);
      }
    }
    assertThat(stop).as("a stop string across a token boundary in: " + full).isNotNull();
    String expected = full.substring(0, full.indexOf(stop));

    ChatCompletion stopped = client().chat().completions().create(request("Once upon", 24).stop(stop).build());
    assertThat(stopped.choices().get(0).message().content().orElseThrow()).isEqualTo(expected);
    assertThat(stopped.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);

    StringBuilder streamed = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> s = client().chat().completions().createStreaming(request("Once upon", 24).stop(stop).build())) {
      s.stream().forEach(ch -> ch.choices().forEach(choice -> choice.delta().content().ifPresent(streamed::append)));
    }
    assertThat(streamed.toString()).isEqualTo(expected);
  }

  @Test
  void streamsRoleThenDeltasThenFinishThenUsage() {
    ChatCompletionCreateParams p = request("Stream this", 8)
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> s = client().chat().completions().createStreaming(p)) {
      s.stream().forEach(chunks::add);
    }
    assertThat(chunks.get(0).choices().get(0).delta().role()).isPresent();
    ChatCompletionChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(8);
    ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
    assertThat(finish.choices().get(0).finishReason()).contains(ChatCompletionChunk.Choice.FinishReason.LENGTH);
    StringBuilder text = new StringBuilder();
    chunks.forEach(ch -> ch.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
    assertThat(chunks.stream().map(ChatCompletionChunk::id).distinct()).hasSize(1);
    String whole = client().chat().completions().create(request("Stream this", 8).build()).choices().get(0).message().content().orElseThrow();
    assertThat(text.toString()).isEqualTo(whole);
  }

  @Test
  void streamedChoicesEqualTheWholeOnes() {
    ChatCompletionCreateParams p = ChatCompletionCreateParams.builder().model("tiny").addUserMessage("Two answers")
        .maxCompletionTokens(10).temperature(0.9).seed(99).n(2).build();
    List<String> whole = texts(client().chat().completions().create(p));
    StringBuilder[] streamed = {new StringBuilder(), new StringBuilder()};
    try (StreamResponse<ChatCompletionChunk> s = client().chat().completions().createStreaming(p)) {
      s.stream().forEach(ch -> ch.choices().forEach(c -> c.delta().content().ifPresent(streamed[(int) c.index()]::append)));
    }
    assertThat(List.of(streamed[0].toString(), streamed[1].toString())).isEqualTo(whole);
  }

  @Test
  void contextOverflowIsRefusedWithTheNumbers() {
    try (RawHttp raw = conformance.rawHttp(server.baseUrl(), "sk-x")) {
      RawResponse r = raw.post("/v1/chat/completions",
          "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":100000}");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("context_length_exceeded").contains("512");
    }
  }

  @Test
  void unknownModelIs404AndANonLanguageModelIs400() {
    try (RawHttp raw = conformance.rawHttp(server.baseUrl(), "sk-x")) {
      RawResponse unknown = raw.post("/v1/chat/completions", "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("model_not_found");
      RawResponse wrongKind = raw.post("/v1/chat/completions", "{\"model\":\"whisper-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
      assertThat(wrongKind.statusCode()).isEqualTo(400);
      assertThat(wrongKind.body()).contains("\"param\":\"model\"");
    }
  }

  static List<String> texts(ChatCompletion c) {
    return c.choices().stream().map(ch -> ch.message().content().orElse("")).toList();
  }
}
