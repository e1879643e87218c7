package dev.hearth.server.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.embeddings.EmbeddingModel;
import dev.hearth.server.config.EngineKind;
import dev.hearth.server.config.HearthConfig;
import dev.hearth.server.config.ModelConfig;
import dev.hearth.server.conformance.ConformanceClients;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.ConformanceRecorder;
import dev.hearth.server.conformance.Violation;
import dev.hearth.server.conformance.RawHttp;
import dev.hearth.server.conformance.RawResponse;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/embeddings} with the real bundled all-MiniLM-L6-v2 (and bge-small-en-v1.5 from the test
 * class path), through the official SDK and raw HTTP; every SDK and raw response is validated against the spec.
 */
@RequiresSpec
class EmbeddingsApiTest {
  @TempDir static Path dataDir;
  static TestServer server;

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  @BeforeAll
  static void start() {
    HearthConfig config = TestServer.config(dataDir);
    List<ModelConfig> models = new ArrayList<>(config.models());
    models.add(new ModelConfig("bge-small-en-v1.5", EngineKind.ONNX_EMBEDDING, "classpath:bge-small-en-v1.5", List.of(), Map.of(), "hearth"));
    server = TestServer.start(config.withModels(models), List.of());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /**
   * openai-java asks for {@code base64} unless told otherwise, and the spec types {@code embedding} only as an
   * array of numbers; the spec-validated calls therefore ask for {@code float}. The SDK's default is tested in
   * {@link #sdkDefaultBase64DecodesToTheSameVectors}.
   */
  private static EmbeddingCreateParams.Builder params() {
    return EmbeddingCreateParams.builder().encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT);
  }

  private OpenAIClient client() {
    return conformance.openAi(server.baseUrl(), "sk-anything");
  }

  private static List<Float> vector(CreateEmbeddingResponse r, int i) {
    return r.data().get(i).embedding();
  }

  private static double cosine(List<Float> a, List<Float> b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.size(); i++) {
      dot += a.get(i) * b.get(i);
      na += a.get(i) * a.get(i);
      nb += b.get(i) * b.get(i);
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void sdkRoundTripRanksSimilarSentencesAboveUnrelatedOnes() {
    CreateEmbeddingResponse r = client().embeddings().create(params()
        .model(EmbeddingModel.TEXT_EMBEDDING_3_SMALL)
        .inputOfArrayOfStrings(List.of("A man is playing a guitar.", "Someone plays an acoustic guitar on stage.",
            "The central bank raised interest rates."))
        .build());
    assertThat(r.model()).isEqualTo("all-minilm-l6-v2");
    assertThat(r.data()).hasSize(3);
    assertThat(r.data().get(2).index()).isEqualTo(2);
    assertThat(vector(r, 0)).hasSize(384);
    assertThat(cosine(vector(r, 0), vector(r, 1))).isGreaterThan(cosine(vector(r, 0), vector(r, 2)) + 0.3);
    assertThat(r.usage().promptTokens()).isEqualTo(tokensOneByOne("A man is playing a guitar.", "Someone plays an acoustic guitar on stage.",
        "The central bank raised interest rates."));
    assertThat(r.usage().totalTokens()).isEqualTo(r.usage().promptTokens());
  }

  /** The token counts the server reports for these inputs one by one, summed. */
  private int tokensOneByOne(String... texts) {
    int sum = 0;
    for (String t : texts) {
      sum += (int) client().embeddings().create(params().model("all-minilm-l6-v2").input(t).build())
          .usage().promptTokens();
    }
    return sum;
  }

  @Test
  void usageCountsTheModelsTokensIncludingSpecialTokens() {
    CreateEmbeddingResponse r = client().embeddings().create(
        params().model("text-embedding-ada-002").input("hello world").build());
    assertThat(r.usage().promptTokens()).isEqualTo(4); // [CLS] hello world [SEP]
  }

  @Test
  void dimensionsTruncatesAndRenormalises() {
    CreateEmbeddingResponse full = client().embeddings().create(
        params().model("text-embedding-3-large").input("Truncated vectors stay unit length.").build());
    CreateEmbeddingResponse small = client().embeddings().create(params()
        .model("text-embedding-3-large").input("Truncated vectors stay unit length.").dimensions(64).build());
    List<Float> v = vector(small, 0);
    assertThat(v).hasSize(64);
    assertThat(v.stream().mapToDouble(x -> x * x).sum()).isCloseTo(1.0, within(1e-5));
    List<Float> prefix = vector(full, 0).subList(0, 64);
    assertThat(cosine(prefix, v)).isCloseTo(1.0, within(1e-6));
    assertThat(Math.abs(v.get(0))).isGreaterThan(Math.abs(prefix.get(0)));
  }

  @Test
  void dimensionsAboveTheNativeSizeIsRejected() {
    assertThatThrownBy(() -> client().embeddings().create(
            params().model("text-embedding-3-small").input("x").dimensions(385).build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("dimensions"));
  }

  @Test
  void base64IsLittleEndianFloat32OfTheSameVector() {
    String text = "The JavaScript SDK asks for base64 by default.";
    // Raw request: the spec types `embedding` as an array of numbers, so a base64 body is not spec-validated.
    HttpResponse<String> b64 = server.post("/v1/embeddings",
        "{\"model\":\"text-embedding-3-small\",\"input\":\"" + text + "\",\"encoding_format\":\"base64\"}");
    HttpResponse<String> flt = server.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"" + text + "\"}");
    assertThat(b64.statusCode()).isEqualTo(200);
    float[] decoded = Vectors.fromBase64(Envelopes.json(b64.body()).get("data").get(0).get("embedding").asString());
    JsonNode floats = Envelopes.json(flt.body()).get("data").get(0).get("embedding");
    assertThat(decoded).hasSize(384);
    for (int i = 0; i < decoded.length; i++) {
      assertThat(decoded[i]).isEqualTo(floats.get(i).floatValue());
    }
  }

  @Test
  void sdkDefaultBase64DecodesToTheSameVectors() {
    ConformanceRecorder recorder = new ConformanceRecorder();
    OpenAIClient sdk = ConformanceClients.openAi(server.baseUrl(), "sk-anything", recorder);
    List<String> texts = List.of("first input", "second, longer input for the default encoding");
    CreateEmbeddingResponse base64 = sdk.embeddings().create(
        EmbeddingCreateParams.builder().model("text-embedding-3-small").inputOfArrayOfStrings(texts).build());
    CreateEmbeddingResponse floats = client().embeddings().create(
        params().model("text-embedding-3-small").inputOfArrayOfStrings(texts).build());
    assertThat(vector(base64, 0)).isEqualTo(vector(floats, 0));
    assertThat(vector(base64, 1)).isEqualTo(vector(floats, 1));
    // The only thing the spec objects to is the base64 string itself.
    assertThat(recorder.checks()).hasSize(1);
    assertThat(recorder.checks().getFirst().violations())
        .extracting(Violation::toString)
        .containsExactly("$.data[0].embedding: string found, array expected [type]",
            "$.data[1].embedding: string found, array expected [type]");
  }

  @Test
  void tokenArraysAreDecodedWithTheModelsTokenizer() {
    // bert-base-uncased ids: 7592 = "hello", 2088 = "world"
    CreateEmbeddingResponse fromIds = client().embeddings().create(
        params().model("all-minilm-l6-v2").inputOfArrayOfTokens(List.of(7592L, 2088L)).build());
    CreateEmbeddingResponse fromText = client().embeddings().create(
        params().model("all-minilm-l6-v2").input("hello world").build());
    assertThat(cosine(vector(fromIds, 0), vector(fromText, 0))).isCloseTo(1.0, within(1e-6));
    assertThat(fromIds.usage().promptTokens()).isEqualTo(4);

    CreateEmbeddingResponse nested = client().embeddings().create(params()
        .model("all-minilm-l6-v2").inputOfArrayOfTokenArrays(List.of(List.of(7592L, 2088L), List.of(2088L))).build());
    assertThat(nested.data()).hasSize(2);
    assertThat(cosine(vector(nested, 0), vector(fromText, 0))).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void secondModelWithClsPoolingServesTheSameApi() {
    CreateEmbeddingResponse r = client().embeddings().create(params().model("bge-small-en-v1.5")
        .inputOfArrayOfStrings(List.of("How do I reset my password?", "Steps to recover a forgotten password",
            "Best hiking trails in the Alps"))
        .build());
    assertThat(r.model()).isEqualTo("bge-small-en-v1.5");
    assertThat(cosine(vector(r, 0), vector(r, 1))).isGreaterThan(cosine(vector(r, 0), vector(r, 2)) + 0.1);
  }

  @Test
  void inputErrorsNameTheOffendingInput() {
    try (RawHttp raw = conformance.rawHttp(server.baseUrl(), "sk-anything")) {
      assertError(raw.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"\"}"), 400, "input");
      assertError(raw.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":[\"ok\",\"\"]}"), 400, "input[1]");
      assertError(raw.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":[]}"), 400, "input");
      assertError(raw.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\", 1]}"), 400, "input[1]");
      assertError(raw.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":{\"a\":1}}"), 400, "input");
      assertError(raw.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":[[1, 2], []]}"), 400, "input[1]");
      assertError(raw.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":[99999999]}"), 400, "input");
      assertError(raw.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\"}"), 400, "input");
      assertError(raw.post("/v1/embeddings", "{\"input\":\"x\"}"), 400, "model");
      assertError(raw.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"encoding_format\":\"int8\"}"),
          400, "encoding_format");
      assertError(raw.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":0}"), 400, "dimensions");
      assertError(raw.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"temperature\":1}"), 400, "temperature");
    }
  }

  @Test
  void anInputOverTheModelsTokenLimitIsRejectedByIndex() {
    String longText = String.join(" ", Collections.nCopies(300, "word"));
    try (RawHttp raw = conformance.rawHttp(server.baseUrl(), "sk-anything")) {
      String body = "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\",\"c\",\"" + longText + "\"]}";
      JsonNode error = assertError(raw.post("/v1/embeddings", body), 400, "input[3]");
      assertThat(error.get("message").asString()).contains("302 tokens").contains("256");
    }
  }

  @Test
  void atMost2048InputsPerRequest() {
    String inputs = IntStream.range(0, 2049).mapToObj(i -> "\"t" + i + "\"").collect(Collectors.joining(","));
    try (RawHttp raw = conformance.rawHttp(server.baseUrl(), "sk-anything")) {
      assertError(raw.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":[" + inputs + "]}"), 400, "input");
    }
  }

  @Test
  void atMost300000TokensPerRequest() {
    // 2,048 inputs of 150 tokens ([CLS] + 148 words + [SEP]) = 307,200 tokens.
    String text = String.join(" ", Collections.nCopies(148, "word"));
    String inputs = IntStream.range(0, 2048).mapToObj(i -> "\"" + text + "\"").collect(Collectors.joining(","));
    try (RawHttp raw = conformance.rawHttp(server.baseUrl(), "sk-anything")) {
      JsonNode error = assertError(
          raw.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":[" + inputs + "]}"), 400, "input");
      assertThat(error.get("message").asString()).contains("307200 tokens");
    }
  }

  @Test
  void manyInputsInOneRequestComeBackInOrder() {
    List<String> texts = IntStream.range(0, 100).mapToObj(i -> i % 2 == 0 ? "cats and dogs " + i : "a much longer input about stock markets, "
        + "interest rates and the economy, number " + i).toList();
    CreateEmbeddingResponse r = client().embeddings().create(
        params().model("all-minilm-l6-v2").inputOfArrayOfStrings(texts).build());
    assertThat(r.data()).extracting(e -> (int) e.index()).containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
    CreateEmbeddingResponse one = client().embeddings().create(
        params().model("all-minilm-l6-v2").input(texts.get(37)).build());
    assertThat(cosine(vector(r, 37), vector(one, 0))).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void nonEmbeddingModelsAreA400NamingModelAndUnknownOnesA404() {
    assertThatThrownBy(() -> client().embeddings().create(params().model("gpt-4o-mini").input("x").build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("model"));
    assertThatThrownBy(() -> client().embeddings().create(params().model("no-such-model").input("x").build()))
        .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).contains("model_not_found"));
  }

  private static JsonNode assertError(RawResponse response, int status, String param) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode error = Envelopes.json(response.body()).get("error");
    assertThat(error.get("param").asString()).isEqualTo(param);
    assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
    return error;
  }
}
