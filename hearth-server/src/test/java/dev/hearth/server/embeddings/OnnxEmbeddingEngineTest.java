package dev.hearth.server.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ONNX engine with the real bundled all-MiniLM-L6-v2 and bge-small-en-v1.5 (test dependency). */
class OnnxEmbeddingEngineTest {
  @TempDir static Path cache;
  static OnnxEmbeddingEngine minilm;
  static OnnxEmbeddingEngine bge;

  @BeforeAll
  static void load() {
    minilm = OnnxEmbeddingEngine.load("all-minilm-l6-v2", "classpath:all-minilm-l6-v2", Map.of(), cache);
    bge = OnnxEmbeddingEngine.load("bge-small-en-v1.5", "classpath:bge-small-en-v1.5", Map.of(), cache);
  }

  @AfterAll
  static void close() {
    minilm.close();
    bge.close();
  }

  private static float[][] embed(EmbeddingEngine engine, String... texts) {
    return engine.embed(List.of(texts).stream().map(engine::tokenize).toList());
  }

  @Test
  void miniLmMatchesSentenceTransformersReferenceSimilarities() {
    // sentence-transformers' README: model.similarity(embeddings, embeddings) for all-MiniLM-L6-v2
    // gives 0.6660, 0.1046 and 0.1411 for these three sentences.
    float[][] v = embed(minilm, "The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium.");
    assertThat(v[0]).hasSize(384);
    assertThat(Vectors.dot(v[0], v[1])).isCloseTo(0.6660, within(0.001));
    assertThat(Vectors.dot(v[0], v[2])).isCloseTo(0.1046, within(0.001));
    assertThat(Vectors.dot(v[1], v[2])).isCloseTo(0.1411, within(0.001));
  }

  @Test
  void vectorsHaveUnitLength() {
    for (float[] v : embed(minilm, "a", "A much longer sentence about the history of the Roman empire and its roads.")) {
      assertThat(Vectors.dot(v, v)).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void paddingInABatchDoesNotChangeAnyVector() {
    String[] texts = {"short", "a somewhat longer sentence that pads the short one in the batch", "medium length text here"};
    float[][] batched = embed(minilm, texts);
    for (int i = 0; i < texts.length; i++) {
      float[] alone = embed(minilm, texts[i])[0];
      assertThat(Vectors.dot(alone, batched[i])).isCloseTo(1.0, within(1e-5));
    }
    float[][] bgeBatched = embed(bge, texts);
    assertThat(Vectors.dot(embed(bge, texts[0])[0], bgeBatched[0])).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void tokenizerAddsSpecialTokensAndCountsThem() {
    TokenizedInput t = minilm.tokenize("hello world");
    assertThat(t.ids()).containsExactly(101, 7592, 2088, 102);
    assertThat(minilm.decode(t.ids())).isEqualTo("hello world");
    assertThat(minilm.maxTokens()).isEqualTo(256);
    assertThat(minilm.vocabularySize()).isEqualTo(30522);
  }

  @Test
  void bgeUsesClsPoolingAndRanksSimilarTextsHigher() {
    assertThat(bge.dimensions()).isEqualTo(384);
    assertThat(bge.maxTokens()).isEqualTo(512);
    float[][] v = embed(bge, "How do I bake bread at home?", "A simple recipe for homemade bread.", "The stock market fell sharply today.");
    assertThat(Vectors.dot(v[0], v[1])).isGreaterThan(Vectors.dot(v[0], v[2]) + 0.1);
  }

  @Test
  void aSentenceTransformersDirectoryLoadsWithItsPoolingConfig(@TempDir Path dir) throws IOException {
    copy("bge-small-en-v1.5.onnx", dir.resolve("model.onnx"));
    copy("bge-small-en-v1.5-tokenizer.json", dir.resolve("tokenizer.json"));
    Files.createDirectories(dir.resolve("1_Pooling"));
    Files.writeString(dir.resolve("1_Pooling/config.json"),
        "{\"word_embedding_dimension\": 384, \"pooling_mode_cls_token\": true, \"pooling_mode_mean_tokens\": false}");
    Files.writeString(dir.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 128, \"do_lower_case\": true}");
    try (OnnxEmbeddingEngine fromDir = OnnxEmbeddingEngine.load("bge-dir", dir.toString(), Map.of(), cache);
        OnnxEmbeddingEngine meanPooled = OnnxEmbeddingEngine.load("bge-mean", dir.toString(), Map.of("pooling", "mean"), cache)) {
      assertThat(fromDir.maxTokens()).isEqualTo(128);
      String text = "Directories pulled into the model cache work like the bundled models.";
      float[] cls = embed(fromDir, text)[0];
      assertThat(Vectors.dot(cls, embed(bge, text)[0])).isCloseTo(1.0, within(1e-5));
      assertThat(Vectors.dot(cls, embed(meanPooled, text)[0])).isLessThan(0.99);
    }
  }

  @Test
  void concurrentCallersAreBatchedAndEachGetsItsOwnVectors() {
    List<String> texts = IntStream.range(0, 48).mapToObj(i -> "sentence number " + i + " about topic " + (i % 5)).toList();
    List<float[]> expected = texts.stream().map(t -> embed(minilm, t)[0]).toList();
    List<float[]> got = texts.parallelStream().map(t -> embed(minilm, t)[0]).toList();
    for (int i = 0; i < texts.size(); i++) {
      assertThat(Vectors.dot(expected.get(i), got.get(i))).isCloseTo(1.0, within(1e-5));
    }
  }

  private static void copy(String resource, Path target) throws IOException {
    try (InputStream in = OnnxEmbeddingEngineTest.class.getClassLoader().getResourceAsStream(resource)) {
      Files.copy(in, target);
    }
  }
}
