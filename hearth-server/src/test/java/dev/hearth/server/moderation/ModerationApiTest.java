package dev.hearth.server.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.models.moderations.ModerationCreateParams;
import com.openai.models.moderations.ModerationCreateResponse;
import com.openai.models.moderations.ModerationMultiModalInput;
import com.openai.models.moderations.ModerationTextInput;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.RawHttp;
import dev.hearth.server.conformance.RawResponse;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.TestServer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code POST /v1/moderations} with the shipped classifier and the real embedding model, through the SDK and raw HTTP. */
@RequiresSpec
class ModerationApiTest {
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
  void aStatedIntentToSelfHarmIsFlaggedAndEveryCategoryIsReported() {
    ModerationCreateResponse r = client().moderations().create(
        ModerationCreateParams.builder().input("I'm going to kill myself tonight, I have the pills ready.").model("omni-moderation-latest").build());
    assertThat(r.id()).startsWith("modr-");
    assertThat(r.model()).isEqualTo("hearth-moderation");
    assertThat(r.results()).hasSize(1);
    var result = r.results().getFirst();
    assertThat(result.flagged()).isTrue();
    assertThat(result.categories().selfHarmIntent()).isTrue();
    assertThat(result.categories().selfHarm()).isTrue();
    assertThat(result.categoryScores().selfHarmIntent()).isGreaterThan(result.categoryScores().sexual());
    assertThat(result.categoryAppliedInputTypes().violence()).isNotEmpty();
  }

  @Test
  void benignTextAndHardNegativesAreNotFlagged() {
    List<String> texts = List.of("Can you recommend a good pasta recipe for tonight?",
        "Slice the onions thinly with a sharp knife.", "The Roman Empire fell in 476 AD after years of war.",
        "My nine-year-old daughter loves drawing horses.");
    ModerationCreateResponse r = client().moderations().create(ModerationCreateParams.builder().inputOfStrings(texts).build());
    assertThat(r.results()).hasSize(4);
    assertThat(r.results()).allSatisfy(x -> assertThat(x.flagged()).as(x.toString()).isFalse());
    // A reference to a child alone is not sexual, so sexual/minors stays low.
    assertThat(r.results().get(3).categoryScores().sexualMinors()).isLessThan(0.1);
  }

  @Test
  void oneResultPerStringInOrder() {
    ModerationCreateResponse r = client().moderations().create(ModerationCreateParams.builder()
        .inputOfStrings(List.of("What a lovely morning for a walk.", "I know where you live and I'm going to hurt you.",
            "How can I hack into my neighbor's wifi?"))
        .build());
    assertThat(r.results()).extracting(x -> x.flagged()).containsExactly(false, true, true);
    assertThat(r.results().get(1).categories().harassmentThreatening()).isTrue();
    assertThat(r.results().get(2).categories().illicit().orElse(false)).isTrue();
  }

  @Test
  void multiModalTextPartsGiveOneResult() {
    ModerationCreateResponse r = client().moderations().create(ModerationCreateParams.builder()
        .inputOfModerationMultiModalArray(List.of(
            ModerationMultiModalInput.ofText(ModerationTextInput.builder().text("Here is my holiday photo.").build()),
            ModerationMultiModalInput.ofText(ModerationTextInput.builder().text("I'm going to cut myself as soon as I get home.").build())))
        .build());
    assertThat(r.results()).hasSize(1);
    assertThat(r.results().getFirst().categories().selfHarm()).isTrue();
  }

  @Test
  void anImagePartIsAClear400() {
    try (RawHttp raw = conformance.rawHttp(server.baseUrl(), "sk-anything")) {
      RawResponse response = raw.post("/v1/moderations", """
          {"input":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}""");
      JsonNode error = assertError(response, "input[1]");
      assertThat(error.get("message").asString()).contains("image");
    }
  }

  @Test
  void inputErrors() {
    try (RawHttp raw = conformance.rawHttp(server.baseUrl(), "sk-anything")) {
      assertError(raw.post("/v1/moderations", "{\"model\":\"omni-moderation-latest\"}"), "input");
      assertError(raw.post("/v1/moderations", "{\"input\":[]}"), "input");
      assertError(raw.post("/v1/moderations", "{\"input\":[\"ok\", 3]}"), "input[1]");
      assertError(raw.post("/v1/moderations", "{\"input\":[{\"type\":\"video\"}]}"), "input[0].type");
      assertError(raw.post("/v1/moderations", "{\"input\":[{\"type\":\"text\"}]}"), "input[0].text");
      assertError(raw.post("/v1/moderations", "{\"input\":\"x\",\"model\":\"text-embedding-3-small\"}"), "model");
    }
  }

  @Test
  void theModelDefaultsToOmniModerationAndLongTextsAreScoredWholly() {
    String longText = String.join(" ", Collections.nCopies(300, "The weather was mild and pleasant.")) + " I want to kill myself.";
    try (RawHttp raw = conformance.rawHttp(server.baseUrl(), "sk-anything")) {
      RawResponse response = raw.post("/v1/moderations", "{\"input\":\"" + longText + "\"}");
      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode body = Envelopes.json(response.body());
      assertThat(body.get("model").asString()).isEqualTo("hearth-moderation");
      assertThat(body.get("results").get(0).get("categories").get("self-harm").asBoolean()).isTrue();
    }
  }

  @Test
  void nonModerationModelsAreRejectedByTheSdkToo() {
    assertThatThrownBy(() -> client().moderations().create(ModerationCreateParams.builder().input("x").model("gpt-4o-mini").build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("model"));
  }

  private static JsonNode assertError(RawResponse response, String param) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    JsonNode error = Envelopes.json(response.body()).get("error");
    assertThat(error.get("param").asString()).isEqualTo(param);
    return error;
  }
}
