package dev.hearth.server.embeddings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a sentence-transformers ONNX model's pieces come from, and how it pools.
 *
 * <ul>
 *   <li>{@code classpath:NAME}: {@code NAME.onnx} and {@code NAME-tokenizer.json} on the class path (the layout of
 *       langchain4j's model jars), or {@code NAME/model.onnx} and {@code NAME/tokenizer.json};</li>
 *   <li>a directory (absolute, or relative to the model cache): {@code model.onnx} (or {@code onnx/model.onnx}),
 *       {@code tokenizer.json}, and optionally {@code 1_Pooling/config.json} and
 *       {@code sentence_bert_config.json}, read as sentence-transformers reads them.</li>
 * </ul>
 *
 * Options {@code pooling} ({@code mean}/{@code cls}) and {@code max_tokens} override what the files say.
 */
record OnnxModelFiles(String source, byte[] onnxBytes, Path onnxPath, byte[] tokenizerJson, Pooling pooling, int maxTokens) {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** sentence-transformers' settings for the models whose files carry no pooling config. */
  private static final Map<String, Known> KNOWN = Map.of(
      "all-minilm-l6-v2", new Known(Pooling.MEAN, 256),
      "bge-small-en-v1.5", new Known(Pooling.CLS, 512));

  private record Known(Pooling pooling, int maxTokens) {}

  static OnnxModelFiles resolve(String source, Map<String, Object> options, Path modelCacheDir) {
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("an onnx-embedding model needs a source (classpath:NAME or a directory)");
    }
    OnnxModelFiles files = source.startsWith("classpath:")
        ? fromClasspath(source, source.substring("classpath:".length()))
        : fromDirectory(source, directory(source, modelCacheDir));
    Pooling pooling = Optional.ofNullable(options.get("pooling")).map(o -> Pooling.parse(o.toString())).orElse(files.pooling);
    int maxTokens = Optional.ofNullable(options.get("max_tokens")).map(o -> Integer.parseInt(o.toString())).orElse(files.maxTokens);
    return new OnnxModelFiles(source, files.onnxBytes, files.onnxPath, files.tokenizerJson, pooling, maxTokens);
  }

  private static OnnxModelFiles fromClasspath(String source, String name) {
    ClassLoader loader = OnnxModelFiles.class.getClassLoader();
    byte[] onnx = read(loader, name + ".onnx").or(() -> read(loader, name + "/model.onnx"))
        .orElseThrow(() -> new IllegalArgumentException("no " + name + ".onnx or " + name + "/model.onnx on the class path"));
    byte[] tokenizer = read(loader, name + "-tokenizer.json").or(() -> read(loader, name + "/tokenizer.json"))
        .orElseThrow(() -> new IllegalArgumentException("no " + name + "-tokenizer.json or " + name + "/tokenizer.json on the class path"));
    Known known = KNOWN.getOrDefault(name, new Known(Pooling.MEAN, 512));
    return new OnnxModelFiles(source, onnx, null, tokenizer, known.pooling, known.maxTokens);
  }

  private static Path directory(String source, Path modelCacheDir) {
    String s = source.startsWith("~/") ? System.getProperty("user.home") + source.substring(1) : source;
    Path p = Path.of(s);
    if (!p.isAbsolute() && !Files.isDirectory(p) && modelCacheDir != null) {
      p = modelCacheDir.resolve(s);
    }
    if (!Files.isDirectory(p)) {
      throw new IllegalArgumentException("model directory " + p + " does not exist");
    }
    return p;
  }

  private static OnnxModelFiles fromDirectory(String source, Path dir) {
    Path onnx = Files.isRegularFile(dir.resolve("model.onnx")) ? dir.resolve("model.onnx") : dir.resolve("onnx/model.onnx");
    if (!Files.isRegularFile(onnx)) {
      throw new IllegalArgumentException("no model.onnx (or onnx/model.onnx) in " + dir);
    }
    Path tokenizer = dir.resolve("tokenizer.json");
    if (!Files.isRegularFile(tokenizer)) {
      throw new IllegalArgumentException("no tokenizer.json in " + dir);
    }
    Pooling pooling = Pooling.MEAN;
    JsonNode poolingConfig = readJson(dir.resolve("1_Pooling/config.json"));
    if (poolingConfig != null && poolingConfig.path("pooling_mode_cls_token").asBoolean(false)) {
      pooling = Pooling.CLS;
    }
    int maxTokens = 512;
    JsonNode bert = readJson(dir.resolve("sentence_bert_config.json"));
    JsonNode config = readJson(dir.resolve("config.json"));
    if (bert != null && bert.path("max_seq_length").isNumber()) {
      maxTokens = bert.path("max_seq_length").asInt();
    } else if (config != null && config.path("max_position_embeddings").isNumber()) {
      maxTokens = config.path("max_position_embeddings").asInt();
    }
    try {
      return new OnnxModelFiles(source, null, onnx, Files.readAllBytes(tokenizer), pooling, maxTokens);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode readJson(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return JSON.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<byte[]> read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
