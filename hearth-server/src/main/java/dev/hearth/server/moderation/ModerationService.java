package dev.hearth.server.moderation;

import dev.hearth.api.moderation.CreateModerationRequest;
import dev.hearth.api.moderation.CreateModerationResponse;
import dev.hearth.api.moderation.ModerationResult;
import dev.hearth.server.config.EngineKind;
import dev.hearth.server.config.ModelConfig;
import dev.hearth.server.embeddings.EmbeddingEngine;
import dev.hearth.server.embeddings.EmbeddingEngines;
import dev.hearth.server.embeddings.TokenizedInput;
import dev.hearth.server.generation.LlmModels;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.models.ModelRegistry;
import dev.hearth.store.Ids;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/moderations} with the offline {@link EmbeddingClassifier}: one result per input string, or one
 * for an array of multi-modal parts. Texts longer than the embedding model's window are scored window by window;
 * the most severe reading wins.
 */
public final class ModerationService {
  private static final Logger log = LoggerFactory.getLogger(ModerationService.class);
  static final String DEFAULT_MODEL = "omni-moderation-latest";
  /** Tokens per window when a text is longer (special tokens included). */
  static final int WINDOW = 64;
  private static final List<String> TEXT = List.of("text");
  private static final ConcurrentHashMap<String, EmbeddingClassifier> CLASSIFIERS = new ConcurrentHashMap<>();

  private final ModelRegistry registry;
  private final EmbeddingEngines engines;
  private final GuardModeration guard;

  public ModerationService(ModelRegistry registry, EmbeddingEngines engines, LlmModels llm) {
    this.registry = registry;
    this.engines = engines;
    this.guard = new GuardModeration(llm);
  }

  /** One input to classify: its text parts, and the param that names it in errors. */
  private record Input(String param, List<String> texts) {}

  public CreateModerationResponse create(CreateModerationRequest request, Collection<String> allowedModels) {
    if (request.input() == null) {
      throw ApiException.missingParameter("input");
    }
    String name = request.model() == null ? DEFAULT_MODEL : request.model();
    ModelConfig model = registry.resolve(name)
        .filter(m -> registry.allowed(name, allowedModels))
        .orElseThrow(() -> ApiException.modelNotFound(name));
    if (model.engine() == EngineKind.GUARD) {
      List<ModerationResult> results = new ArrayList<>();
      for (Input input : inputs(request.input())) {
        EmbeddingClassifier.Verdict v = guard.classify(model, String.join("\n", input.texts()));
        results.add(new ModerationResult(v.flagged(), v.wireFlags(), v.wireScores(), applied()));
      }
      return new CreateModerationResponse(Ids.newId("modr-"), model.id(), results);
    }
    if (model.engine() != EngineKind.EMBEDDING_CLASSIFIER) {
      throw ApiException.invalidRequest("model", "The model `" + name + "` is not a moderation model; use"
          + " omni-moderation-latest or a model with engine guard.", "invalid_model");
    }
    List<Input> inputs = inputs(request.input());
    EmbeddingClassifier classifier = classifier(model);
    EmbeddingEngine engine = engine(model, classifier);

    // Every window of every text of every input, embedded in one call so that they batch together.
    List<TokenizedInput> windows = new ArrayList<>();
    List<int[]> owners = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      for (String text : inputs.get(i).texts()) {
        for (TokenizedInput w : windows(engine, text)) {
          windows.add(w);
          owners.add(new int[] {i});
        }
      }
    }
    float[][] vectors = engine.embed(windows);
    List<List<EmbeddingClassifier.Verdict>> perInput = new ArrayList<>();
    inputs.forEach(x -> perInput.add(new ArrayList<>()));
    for (int k = 0; k < vectors.length; k++) {
      perInput.get(owners.get(k)[0]).add(classifier.classify(vectors[k]));
    }
    List<ModerationResult> results = new ArrayList<>(inputs.size());
    for (List<EmbeddingClassifier.Verdict> verdicts : perInput) {
      EmbeddingClassifier.Verdict v = EmbeddingClassifier.Verdict.max(verdicts);
      results.add(new ModerationResult(v.flagged(), v.wireFlags(), v.wireScores(), applied()));
    }
    return new CreateModerationResponse(Ids.newId("modr-"), model.id(), results);
  }

  private static Map<String, List<String>> applied() {
    Map<String, List<String>> applied = new LinkedHashMap<>();
    for (Category c : Category.values()) {
      applied.put(c.wireName(), TEXT);
    }
    return applied;
  }

  /**
   * The pieces of a text the classifier scores. A text of at most {@link #WINDOW} tokens is one piece. A longer one
   * is split into sentences, and a sentence that is still too long into windows of {@link #WINDOW} tokens that
   * overlap by half: the classifier was trained on short texts, and mean pooling over a long text would dilute one
   * harmful sentence among many harmless ones. Each piece is wrapped in the model's special tokens.
   */
  static List<TokenizedInput> windows(EmbeddingEngine engine, String text) {
    TokenizedInput all = engine.tokenize(text);
    int max = Math.min(WINDOW, engine.maxTokens());
    if (all.length() <= max) {
      return List.of(all);
    }
    List<TokenizedInput> out = new ArrayList<>();
    BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
    sentences.setText(text);
    for (int start = sentences.first(), end = sentences.next(); end != BreakIterator.DONE; start = end, end = sentences.next()) {
      String sentence = text.substring(start, end).strip();
      if (!sentence.isEmpty()) {
        slide(engine.tokenize(sentence), max, out);
      }
    }
    return out;
  }

  private static void slide(TokenizedInput all, int max, List<TokenizedInput> out) {
    if (all.length() <= max) {
      out.add(all);
      return;
    }
    long[] ids = all.ids();
    long first = ids[0];
    long last = ids[ids.length - 1];
    int body = max - 2;
    for (int from = 1; from < ids.length - 1; from += body / 2) {
      int to = Math.min(from + body, ids.length - 1);
      long[] w = new long[to - from + 2];
      w[0] = first;
      System.arraycopy(ids, from, w, 1, to - from);
      w[w.length - 1] = last;
      out.add(new TokenizedInput(w, new long[w.length]));
      if (to == ids.length - 1) {
        break;
      }
    }
  }

  private static EmbeddingClassifier classifier(ModelConfig model) {
    String source = model.source() == null ? "" : model.source();
    if (!source.startsWith("classpath:")) {
      throw new ApiException(503, "server_error",
          "The model `" + model.id() + "` has source '" + source + "'; embedding-classifier models load from classpath:NAME.", "model", null);
    }
    return CLASSIFIERS.computeIfAbsent(source, s -> EmbeddingClassifier.fromClasspath(s.substring("classpath:".length())));
  }

  private EmbeddingEngine engine(ModelConfig model, EmbeddingClassifier classifier) {
    // The embedding model the weights were trained on, shared with /v1/embeddings when it serves the same files.
    ModelConfig embedding = new ModelConfig(
        classifier.embeddingModel(), EngineKind.ONNX_EMBEDDING, classifier.embeddingSource(), List.of(), Map.of(), "hearth");
    try {
      return engines.engine(embedding);
    } catch (RuntimeException e) {
      log.error("Cannot load the embedding model of {}", model.id(), e);
      throw new ApiException(503, "server_error", "The model `" + model.id() + "` could not be loaded: " + e.getMessage(), "model", null);
    }
  }

  private static List<Input> inputs(Object input) {
    if (input instanceof String s) {
      return List.of(new Input("input", List.of(s)));
    }
    if (!(input instanceof List<?> list)) {
      throw ApiException.invalidRequest("input",
          "Invalid type for 'input': expected a string, an array of strings or an array of multi-modal inputs.", "invalid_type");
    }
    if (list.isEmpty()) {
      throw ApiException.invalidRequest("input", "Invalid 'input': empty array. Expected an array with minimum length 1.", "empty_array");
    }
    if (list.getFirst() instanceof Map<?, ?>) {
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        texts.add(part("input[" + i + "]", list.get(i)));
      }
      return List.of(new Input("input", texts));
    }
    List<Input> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof String s)) {
        throw ApiException.invalidRequest("input[" + i + "]",
            "Invalid type for 'input[" + i + "]': expected a string, like the other items.", "invalid_type");
      }
      out.add(new Input("input[" + i + "]", List.of(s)));
    }
    return out;
  }

  private static String part(String param, Object part) {
    if (!(part instanceof Map<?, ?> map)) {
      throw ApiException.invalidRequest(param, "Invalid type for '" + param + "': expected an object, like the other items.", "invalid_type");
    }
    Object type = map.get("type");
    if ("text".equals(type)) {
      for (Object key : map.keySet()) {
        if (!Arrays.asList("type", "text").contains(key)) {
          throw ApiException.invalidRequest(param + "." + key, "Unrecognized request argument supplied: " + param + "." + key);
        }
      }
      if (!(map.get("text") instanceof String text)) {
        throw ApiException.invalidRequest(param + ".text", map.containsKey("text")
            ? "Invalid type for '" + param + ".text': expected a string." : "Missing required parameter: '" + param + ".text'.");
      }
      return text;
    }
    if ("image_url".equals(type)) {
      throw ApiException.invalidRequest(param,
          "Image inputs are not supported: this server has no image-capable moderation model configured. Send text parts only.",
          "image_input_not_supported");
    }
    throw ApiException.invalidRequest(param + ".type",
        "Invalid value for '" + param + ".type': expected 'text' or 'image_url'.", "invalid_value");
  }
}
