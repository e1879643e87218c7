package dev.hearth.server.embeddings;

import dev.hearth.server.config.EngineKind;
import dev.hearth.server.config.ModelConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The loaded embedding engines. A model is loaded on its first request and kept for the life of
 * the process, shared by every server in it (tests and benchmarks start several): the engines are
 * stateless and thread-safe, and loading costs seconds and ~100 MB each.
 */
public final class EmbeddingEngines {
  private record Key(EngineKind engine, String source, Map<String, Object> options, Path modelCacheDir) {}

  private static final ConcurrentHashMap<Key, EmbeddingEngine> LOADED = new ConcurrentHashMap<>();

  private final Path modelCacheDir;

  public EmbeddingEngines(Path modelCacheDir) {
    this.modelCacheDir = modelCacheDir;
  }

  /** Whether {@code model} is one this capability can run. */
  public static boolean supports(ModelConfig model) {
    return model.engine() == EngineKind.ONNX_EMBEDDING;
  }

  /** The engine for {@code model}, loading it on first use. */
  public EmbeddingEngine engine(ModelConfig model) {
    if (!supports(model)) {
      throw new IllegalArgumentException(model.id() + " is not an embedding model");
    }
    Key key = new Key(model.engine(), model.source(), model.options(), modelCacheDir);
    return LOADED.computeIfAbsent(key, k -> OnnxEmbeddingEngine.load(model.id(), k.source(), k.options(), k.modelCacheDir()));
  }
}
