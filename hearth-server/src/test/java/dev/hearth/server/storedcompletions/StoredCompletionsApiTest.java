package dev.hearth.server.storedcompletions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionListParams;
import com.openai.models.chat.completions.ChatCompletionStoreMessage;
import com.openai.models.chat.completions.ChatCompletionUpdateParams;
import com.openai.models.chat.completions.ChatCompletionUserMessageParam;
import com.openai.models.chat.completions.messages.MessageListParams;
import dev.hearth.server.conformance.ConformanceClients;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.ConformanceRecorder;
import dev.hearth.server.conformance.RawHttp;
import dev.hearth.server.conformance.RawResponse;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.conformance.ResponseCheck;
import dev.hearth.server.conformance.Violation;
import dev.hearth.server.testing.TestServer;
import dev.hearth.server.testing.TinyLlm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Stored chat completions through the official SDK; every response is checked against the spec. */
@RequiresSpec
class StoredCompletionsApiTest {
  @TempDir static Path dir;
  static TestServer server;

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  @BeforeAll
  static void start() {
    Path model = TinyLlm.write(dir);
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

  static ChatCompletionCreateParams.Builder request(String user) {
    return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage(user).maxCompletionTokens(4)
        .temperature(0.0);
  }

  static ChatCompletionCreateParams.Metadata metadata(Map<String, String> pairs) {
    ChatCompletionCreateParams.Metadata.Builder b = ChatCompletionCreateParams.Metadata.builder();
    pairs.forEach((k, v) -> b.putAdditionalProperty(k, JsonValue.from(v)));
    return b.build();
  }

  static ChatCompletionListParams.Metadata filter(String key, String value) {
    return ChatCompletionListParams.Metadata.builder().putAdditionalProperty(key, value).build();
  }

  List<String> listIds(ChatCompletionListParams params) {
    List<String> ids = new ArrayList<>();
    client().chat().completions().list(params).autoPager().forEach(c -> ids.add(c.id()));
    return ids;
  }

  @Test
  void storesOnlyWithStoreAndServesRetrieveUpdateListAndDelete() {
    String run = UUID.randomUUID().toString();
    ChatCompletion stored = client().chat().completions().create(request("Hello there").store(true)
        .metadata(metadata(Map.of("run", run, "user", "alice"))).build());
    ChatCompletion notStored = client().chat().completions().create(request("Not kept").build());
    assertThatThrownBy(() -> client().chat().completions().retrieve(notStored.id())).isInstanceOf(NotFoundException.class);

    ChatCompletion got = client().chat().completions().retrieve(stored.id());
    assertThat(got.id()).isEqualTo(stored.id());
    assertThat(got.model()).isEqualTo("tiny");
    assertThat(got.created()).isEqualTo(stored.created());
    assertThat(got.choices().getFirst().message().content()).isEqualTo(stored.choices().getFirst().message().content());
    assertThat(got.usage().orElseThrow().totalTokens()).isEqualTo(stored.usage().orElseThrow().totalTokens());
    assertThat(got._metadata().asKnown().orElseThrow().toString()).contains("alice");

    assertThat(listIds(ChatCompletionListParams.builder().metadata(filter("run", run)).build())).containsExactly(stored.id());
    assertThat(listIds(ChatCompletionListParams.builder().metadata(filter("run", run)).model("gpt-4o-mini").build()))
        .containsExactly(stored.id());
    assertThat(listIds(ChatCompletionListParams.builder().metadata(filter("run", run)).model("other").build())).isEmpty();

    ChatCompletion updated = client().chat().completions().update(ChatCompletionUpdateParams.builder()
        .completionId(stored.id())
        .metadata(ChatCompletionUpdateParams.Metadata.builder().putAdditionalProperty("run", JsonValue.from(run))
            .putAdditionalProperty("user", JsonValue.from("bob")).build()).build());
    assertThat(updated.id()).isEqualTo(stored.id());
    assertThat(listIds(ChatCompletionListParams.builder().metadata(filter("user", "bob")).build())).contains(stored.id());
    assertThat(listIds(ChatCompletionListParams.builder().metadata(filter("run", run)).build())).containsExactly(stored.id());
    assertThat(listIds(ChatCompletionListParams.builder().metadata(filter("user", "alice")).build()))
        .doesNotContain(stored.id());

    var deleted = client().chat().completions().delete(stored.id());
    assertThat(deleted.deleted()).isTrue();
    assertThat(deleted.id()).isEqualTo(stored.id());
    assertThatThrownBy(() -> client().chat().completions().retrieve(stored.id())).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> client().chat().completions().delete(stored.id())).isInstanceOf(NotFoundException.class);
    assertThat(listIds(ChatCompletionListParams.builder().metadata(filter("run", run)).build())).isEmpty();
  }

  @Test
  void listsInOrderAndPagesWithAfterAndLimit() {
    String run = UUID.randomUUID().toString();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(client().chat().completions().create(request("Message " + i).store(true)
          .metadata(metadata(Map.of("run", run, "i", Integer.toString(i)))).build()).id());
    }
    var firstPage = client().chat().completions().list(ChatCompletionListParams.builder().metadata(filter("run", run))
        .limit(2).build());
    assertThat(firstPage.data().stream().map(ChatCompletion::id).toList()).isEqualTo(ids.subList(0, 2));
    assertThat(firstPage.hasNextPage()).isTrue();
    // the SDK pages with after=<last id>
    assertThat(listIds(ChatCompletionListParams.builder().metadata(filter("run", run)).limit(2).build())).isEqualTo(ids);
    List<String> reversed = new ArrayList<>(ids);
    java.util.Collections.reverse(reversed);
    assertThat(listIds(ChatCompletionListParams.builder().metadata(filter("run", run))
        .order(ChatCompletionListParams.Order.DESC).limit(3).build())).isEqualTo(reversed);
    assertThat(listIds(ChatCompletionListParams.builder().metadata(filter("run", run)).after(ids.get(2)).build()))
        .isEqualTo(ids.subList(3, 5));
    assertThat(listIds(ChatCompletionListParams.builder().metadata(filter("run", run))
        .metadata(ChatCompletionListParams.Metadata.builder().putAdditionalProperty("run", run)
            .putAdditionalProperty("i", "3").build()).build())).containsExactly(ids.get(3));
  }

  @Test
  void streamedCompletionsAreStoredAsTheWholeAnswer() {
    String run = UUID.randomUUID().toString();
    StringBuilder text = new StringBuilder();
    String id;
    try (StreamResponse<ChatCompletionChunk> stream = client().chat().completions().createStreaming(
        request("Stream this").store(true).metadata(metadata(Map.of("run", run))).build())) {
      List<ChatCompletionChunk> chunks = stream.stream().toList();
      id = chunks.getFirst().id();
      chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
      // the client did not ask for usage: the chunk Hearth asked the generator for is not sent
      assertThat(chunks).allSatisfy(c -> assertThat(c.usage()).isEmpty());
    }
    ChatCompletion got = client().chat().completions().retrieve(id);
    assertThat(got.choices().getFirst().message().content().orElse("")).isEqualTo(text.toString());
    assertThat(got.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
    assertThat(got.usage().orElseThrow().completionTokens()).isEqualTo(4);
    assertThat(listIds(ChatCompletionListParams.builder().metadata(filter("run", run)).build())).containsExactly(id);
  }

  @Test
  void messagesArePagedWithTheirContentParts() {
    ChatCompletion stored = client().chat().completions().create(ChatCompletionCreateParams.builder().model("tiny")
        .addSystemMessage("Be brief.")
        .addMessage(ChatCompletionUserMessageParam.builder().contentOfArrayOfContentParts(List.of(
            ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("Part one. ").build()),
            ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("Part two.").build())))
            .build())
        .addAssistantMessage("Earlier answer")
        .addUserMessage("Last question")
        .maxCompletionTokens(2).store(true).build());

    // The spec types every item as ChatCompletionResponseMessage, whose role is "assistant" only, while its
    // own example (and OpenAI) answer the request's roles. Hearth answers the real roles: every other field is checked.
    ConformanceRecorder recorder = new ConformanceRecorder();
    OpenAIClient client = ConformanceClients.openAi(server.baseUrl(), "sk-x", recorder);
    var page = client.chat().completions().messages().list(stored.id(), MessageListParams.builder().limit(2).build());
    List<ChatCompletionStoreMessage> all = new ArrayList<>();
    page.autoPager().forEach(all::add);
    assertThat(all).extracting(ChatCompletionStoreMessage::id)
        .containsExactly(stored.id() + "-0", stored.id() + "-1", stored.id() + "-2", stored.id() + "-3");
    assertThat(all).extracting(m -> m._role().asString().orElseThrow())
        .containsExactly("system", "user", "assistant", "user");
    assertThat(all.get(0).content()).contains("Be brief.");
    assertThat(all.get(0).contentParts()).isEmpty();
    assertThat(all.get(1).content()).contains("Part one. Part two.");
    assertThat(all.get(1).contentParts().orElseThrow()).hasSize(2);
    assertThat(all.get(1).contentParts().orElseThrow().get(1).asChatCompletionContentPartText().text()).isEqualTo("Part two.");
    var desc = client.chat().completions().messages().list(stored.id(),
        MessageListParams.builder().order(MessageListParams.Order.DESC).limit(10).build());
    assertThat(desc.data()).extracting(ChatCompletionStoreMessage::id).first().isEqualTo(stored.id() + "-3");
    assertThat(recorder.checks()).isNotEmpty();
    for (ResponseCheck check : recorder.checks()) {
      assertThat(check.validated()).isTrue();
      assertThat(check.violations()).allSatisfy(v -> assertThat(onlyTheRoleEnum(v)).as(v.toString()).isTrue());
    }
    assertThatThrownBy(() -> client().chat().completions().messages().list("chatcmpl-nope"))
        .isInstanceOf(NotFoundException.class);
  }

  static boolean onlyTheRoleEnum(Violation v) {
    return v.path().matches("\\$\\.data\\[\\d+]\\.role") && v.keyword().equals("enum");
  }

  @Test
  void metadataOutsideTheLimitsIsA400NamingTheParameter() {
    try (RawHttp raw = conformance.rawHttp(server.baseUrl(), "sk-x")) {
      StringBuilder many = new StringBuilder();
      for (int i = 0; i < 17; i++) {
        many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
      }
      String tooMany = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"store\":true,"
          + "\"metadata\":{" + many + "}}";
      RawResponse r = raw.post("/v1/chat/completions", tooMany);
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("\"param\":\"metadata\"");
      String longKey = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"store\":true,"
          + "\"metadata\":{\"" + "k".repeat(65) + "\":\"v\"}}";
      r = raw.post("/v1/chat/completions", longKey);
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("\"param\":\"metadata\"");
      String longValue = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"store\":true,"
          + "\"metadata\":{\"k\":\"" + "v".repeat(513) + "\"}}";
      r = raw.post("/v1/chat/completions", longValue);
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("\"param\":\"metadata.k\"");

      String id = client().chat().completions().create(request("x").store(true).build()).id();
      r = raw.post("/v1/chat/completions/" + id, "{\"metadata\":{\"k\":\"" + "v".repeat(513) + "\"}}");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("\"param\":\"metadata.k\"");
      r = raw.post("/v1/chat/completions/" + id, "{\"metadata\":{\"k\":\"v\"},\"extra\":1}");
      assertThat(r.statusCode()).isEqualTo(400);
      r = raw.get("/v1/chat/completions?after=chatcmpl-nope");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("\"param\":\"after\"");
      r = raw.get("/v1/chat/completions?limit=0");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("\"param\":\"limit\"");
    }
    assertThatThrownBy(() -> client().chat().completions().update(ChatCompletionUpdateParams.builder()
        .completionId("chatcmpl-nope").metadata(ChatCompletionUpdateParams.Metadata.builder().build()).build()))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> client().chat().completions().create(request("x").store(true)
        .metadata(metadata(Map.of("k", "v".repeat(513)))).build())).isInstanceOf(BadRequestException.class);
  }
}
