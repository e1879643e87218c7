package dev.hearth.server.generation;

import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.model.Model;
import dev.hearth.engine.model.ModelLoader;
import dev.hearth.engine.template.ChatTemplate;
import dev.hearth.server.config.EngineKind;
import dev.hearth.server.config.ModelConfig;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.modelfiles.ModelCache;
import dev.hearth.server.modelfiles.ModelReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import dev.hearth.server.models.ModelRegistry;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loaded GGUF models, each loaded lazily on first use and then shared by every request and
 * endpoint (chat, legacy completions); closed when the server stops. Model options:
 * {@code max_concurrent_sequences} (default 2), {@code max_queue} (default 16) and
 * {@code context_length} (default 8192, capped by the model's own; a KV cache per sequence is this long),
 * {@code max_batch_tokens} (default 64: tokens one batched forward pass feeds at most, see {@link StepLoop})
 * and {@code prefix_cache_mb} (default 256: KV memory the {@link PrefixCache} keeps; 0 turns it off).
 */
public final class LlmModels implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LlmModels.class);
  public static final int DEFAULT_MAX_CONCURRENT = 2;
  public static final int DEFAULT_MAX_QUEUE = 16;
  public static final int DEFAULT_CONTEXT_LENGTH = 8192;
  public static final int DEFAULT_PREFIX_CACHE_MB = 256;

  private final ModelCache cache;
  private final Map<String, LoadedModel> loaded = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public LlmModels(Path modelCacheDir) {
    this.cache = new ModelCache(modelCacheDir);
  }

  /** Whether a model runs on the GGUF engine (and so can serve chat and completions). */
  public static boolean isLanguageModel(ModelConfig m) {
    return m.engine() == EngineKind.GGUF;
  }

  /**
   * The language model a request names (id or alias), loaded: unknown or not allowed → 404
   * {@code model_not_found}; a model of another kind → 400 naming {@code model}.
   */
  public LoadedModel resolve(ModelRegistry registry, String name, Collection<String> allowed, String endpoint) {
    ModelConfig config = registry.resolve(name).filter(m -> registry.allowed(name, allowed))
        .orElseThrow(() -> ApiException.modelNotFound(name));
    if (!isLanguageModel(config)) {
      throw ApiException.invalidRequest("model", "The model `" + name + "` (engine " + config.engine().configName()
          + ") is not a language model and cannot be used with " + endpoint + ".", "model_not_supported");
    }
    return get(config);
  }

  /**
   * The generation budget: {@code requested} (null: what is left of the context), refused with 400
   * {@code context_length_exceeded} when prompt and completion do not fit the model's context.
   */
  public static int budget(LoadedModel model, int promptTokens, Integer requested, String promptParam) {
    int context = model.contextLength();
    int max = requested == null ? context - promptTokens : requested;
    if (promptTokens >= context || (long) promptTokens + max > context) {
      throw new ApiException(400, "invalid_request_error", "This model's maximum context length is " + context
          + " tokens. However, you requested " + ((long) promptTokens + Math.max(max, 1)) + " tokens (" + promptTokens
          + " in the prompt, " + Math.max(max, 1) + " for the completion). Please reduce the length of the prompt or"
          + " the completion.", promptParam, "context_length_exceeded");
    }
    return max;
  }

  /** The loaded model, loading it now if this is its first use. */
  public LoadedModel get(ModelConfig config) {
    if (closed) {
      throw new ApiException(503, "server_error", "The server is shutting down; please retry the request.", null,
          "server_shutting_down");
    }
    LoadedModel m = loaded.get(config.id());
    if (m != null) {
      return m;
    }
    synchronized (this) {
      return loaded.computeIfAbsent(config.id(), id -> load(config));
    }
  }

  private LoadedModel load(ModelConfig config) {
    Path path = localPath(config);
    long start = System.nanoTime();
    GgufFile file;
    try {
      file = GgufFile.open(path);
    } catch (IOException | RuntimeException e) {
      log.error("cannot open model file {} for {}", path, config.id(), e);
      throw new ApiException(503, "server_error", "The model `" + config.id() + "` could not be loaded from " + path
          + ": " + e.getMessage(), "model", "model_not_available");
    }
    try {
      int contextLimit = option(config, "context_length", DEFAULT_CONTEXT_LENGTH, 1);
      // the serving context picks a LongRoPE model's (Phi-3.5) short or long frequency factors, as in llama.cpp
      Model model = ModelLoader.load(file, contextLimit);
      String source = file.metadata().getString("tokenizer.chat_template").orElse(null);
      ChatTemplate template = source == null ? null : ChatTemplate.compile(source);
      Scheduler scheduler = new Scheduler(
          option(config, "max_concurrent_sequences", DEFAULT_MAX_CONCURRENT, 1),
          option(config, "max_queue", DEFAULT_MAX_QUEUE, 0));
      log.info("loaded model {} from {} in {} ms", config.id(), path, (System.nanoTime() - start) / 1_000_000);
      return new LoadedModel(config, file, model, template, source != null && source.contains("</think>"), scheduler,
          contextLimit,
          option(config, "max_batch_tokens", StepLoop.DEFAULT_BATCH_TOKENS, 1),
          option(config, "prefix_cache_mb", DEFAULT_PREFIX_CACHE_MB, 0) * 1024L * 1024L);
    } catch (RuntimeException e) {
      file.close();
      log.error("cannot load model {} from {}", config.id(), path, e);
      throw new ApiException(503, "server_error", "The model `" + config.id() + "` could not be loaded: " + e.getMessage(),
          "model", "model_not_available");
    }
  }

  private Path localPath(ModelConfig config) {
    String source = config.source();
    if (source == null || source.isBlank()) {
      throw new ApiException(503, "server_error", "The model `" + config.id() + "` has no source configured.", "model",
          "model_not_available");
    }
    if (source.startsWith("hf://") || source.startsWith("http://") || source.startsWith("https://")) {
      ModelReference ref;
      try {
        ref = ModelReference.parse(source);
      } catch (IllegalArgumentException e) {
        throw new ApiException(503, "server_error", "The model `" + config.id() + "` has an invalid source: "
            + e.getMessage(), "model", "model_not_available");
      }
      return cache.find(ref).map(f -> f.path()).orElseThrow(() -> new ApiException(503, "server_error",
          "The model `" + config.id() + "` is not downloaded yet. Run `./hearth pull " + source
              + "` on the server, then retry.", "model", "model_not_available"));
    }
    Path path = Path.of(source.startsWith("file:") ? source.substring("file:".length()) : source);
    if (!Files.isRegularFile(path)) {
      throw new ApiException(503, "server_error", "The model file " + path + " of `" + config.id()
          + "` does not exist. Put the GGUF file there, or set its source to an hf:// reference and run"
          + " `./hearth pull REF`.", "model", "model_not_available");
    }
    return path;
  }

  static int option(ModelConfig config, String name, int fallback, int min) {
    Object v = config.options().get(name);
    if (v == null) {
      return fallback;
    }
    try {
      int i = v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString().strip());
      return Math.max(min, i);
    } catch (NumberFormatException e) {
      log.warn("model {}: option {} is not a number: {}", config.id(), name, v);
      return fallback;
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    loaded.values().forEach(LoadedModel::close);
    loaded.clear();
  }
}
