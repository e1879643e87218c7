package dev.hearth.server.embeddings;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A sentence-transformers model exported to ONNX, run by ONNX Runtime, tokenized by the Hugging
 * Face tokenizer (DJL's binding). Options (the model's {@code options} in the config):
 *
 * <ul>
 *   <li>{@code sessions}: ONNX sessions, each with its own worker thread (default 1);</li>
 *   <li>{@code intra_op_threads}: ONNX Runtime threads per session (default: ORT's, one per core);</li>
 *   <li>{@code max_batch_size}: inputs per run (default 32); {@code max_batch_tokens}: inputs × longest
 *       input per run (default 8192);</li>
 *   <li>{@code batch_wait_us}: how long a worker waits for other requests' inputs when there are some in
 *       flight (default 2000 µs);</li>
 *   <li>{@code pooling} ({@code mean}, {@code cls}) and {@code max_tokens}: override what the model's files say.</li>
 * </ul>
 */
public final class OnnxEmbeddingEngine implements EmbeddingEngine {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HuggingFaceTokenizer tokenizer;
  private final EmbeddingBatcher batcher;
  private final int dimensions;
  private final int maxTokens;
  private final int vocabularySize;

  private OnnxEmbeddingEngine(HuggingFaceTokenizer tokenizer, EmbeddingBatcher batcher, int dimensions, int maxTokens, int vocabularySize) {
    this.tokenizer = tokenizer;
    this.batcher = batcher;
    this.dimensions = dimensions;
    this.maxTokens = maxTokens;
    this.vocabularySize = vocabularySize;
  }

  /** Loads {@code source} (see {@link OnnxModelFiles}); relative directories resolve against {@code modelCacheDir}. */
  public static OnnxEmbeddingEngine load(String name, String source, Map<String, Object> options, Path modelCacheDir) {
    NativeLibraries.prepare(modelCacheDir);
    OnnxModelFiles files = OnnxModelFiles.resolve(source, options, modelCacheDir);
    int sessions = intOption(options, "sessions", 1);
    int threads = intOption(options, "intra_op_threads", 0);
    List<OnnxEncoder> encoders = new ArrayList<>();
    HuggingFaceTokenizer tokenizer = null;
    try {
      tokenizer = HuggingFaceTokenizer.newInstance(
          new ByteArrayInputStream(files.tokenizerJson()),
          Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
      for (int i = 0; i < sessions; i++) {
        encoders.add(new OnnxEncoder(files, threads));
      }
      EmbeddingBatcher batcher = new EmbeddingBatcher(
          name, encoders,
          intOption(options, "max_batch_size", 32),
          intOption(options, "max_batch_tokens", 8192),
          intOption(options, "batch_wait_us", 2000));
      return new OnnxEmbeddingEngine(tokenizer, batcher, encoders.getFirst().dimensions(), files.maxTokens(),
          vocabularySize(files.tokenizerJson()));
    } catch (IOException e) {
      encoders.forEach(OnnxEncoder::close);
      throw new UncheckedIOException("cannot read the tokenizer of " + source, e);
    } catch (RuntimeException e) {
      encoders.forEach(OnnxEncoder::close);
      if (tokenizer != null) {
        tokenizer.close();
      }
      throw e;
    }
  }

  private static int vocabularySize(byte[] tokenizerJson) {
    JsonNode root = JSON.readTree(tokenizerJson);
    int size = root.path("model").path("vocab").size();
    for (JsonNode added : root.path("added_tokens")) {
      size = Math.max(size, added.path("id").asInt() + 1);
    }
    return size;
  }

  private static int intOption(Map<String, Object> options, String key, int fallback) {
    Object v = options.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option " + key + " must be an integer, got '" + v + "'");
    }
  }

  @Override
  public int dimensions() {
    return dimensions;
  }

  @Override
  public int maxTokens() {
    return maxTokens;
  }

  @Override
  public int vocabularySize() {
    return vocabularySize;
  }

  @Override
  public TokenizedInput tokenize(String text) {
    Encoding e = tokenizer.encode(text, true, false);
    return new TokenizedInput(e.getIds(), e.getTypeIds());
  }

  @Override
  public String decode(long[] ids) {
    return tokenizer.decode(ids, true);
  }

  @Override
  public float[][] embed(List<TokenizedInput> inputs) {
    return batcher.embed(inputs);
  }

  @Override
  public void close() {
    batcher.close();
    tokenizer.close();
  }
}
