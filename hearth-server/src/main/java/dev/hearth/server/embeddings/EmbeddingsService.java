package dev.hearth.server.embeddings;

import dev.hearth.api.embeddings.CreateEmbeddingRequest;
import dev.hearth.api.embeddings.CreateEmbeddingResponse;
import dev.hearth.api.embeddings.Embedding;
import dev.hearth.server.config.ModelConfig;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.models.ModelRegistry;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/embeddings}: validates the request as OpenAI does, tokenizes each input, has
 * the model's engine embed them (batched with other requests), and shapes the vectors
 * ({@code dimensions}, {@code encoding_format}).
 */
public final class EmbeddingsService {
  private static final Logger log = LoggerFactory.getLogger(EmbeddingsService.class);

  /** The spec's {@code maxItems} for every array form of {@code input}. */
  public static final int MAX_INPUTS = 2048;
  /** OpenAI's limit on the tokens of all inputs of one request together. */
  public static final int MAX_REQUEST_TOKENS = 300_000;

  private final ModelRegistry registry;
  private final EmbeddingEngines engines;

  public EmbeddingsService(ModelRegistry registry, EmbeddingEngines engines) {
    this.registry = registry;
    this.engines = engines;
  }

  /** The inputs, as text, with the request param that names each one in errors. */
  private record Input(String param, String text, long[] tokenIds) {}

  public CreateEmbeddingResponse create(CreateEmbeddingRequest request, Collection<String> allowedModels) {
    if (request.model() == null) {
      throw ApiException.missingParameter("model");
    }
    if (request.input() == null) {
      throw ApiException.missingParameter("input");
    }
    String name = request.model();
    ModelConfig model = registry.resolve(name)
        .filter(m -> registry.allowed(name, allowedModels))
        .orElseThrow(() -> ApiException.modelNotFound(name));
    if (!EmbeddingEngines.supports(model)) {
      throw ApiException.invalidRequest(
          "model", "The model `" + name + "` does not support embeddings; use an embedding model such as text-embedding-3-small.",
          "invalid_model");
    }
    boolean base64 = encoding(request.encodingFormat());
    List<Input> inputs = inputs(request.input());
    EmbeddingEngine engine = engine(model);
    if (request.dimensions() != null && (request.dimensions() < 1 || request.dimensions() > engine.dimensions())) {
      throw ApiException.invalidRequest(
          "dimensions",
          "Invalid value for 'dimensions' = " + request.dimensions() + ": this model's embeddings have "
              + engine.dimensions() + " dimensions; ask for between 1 and " + engine.dimensions() + ".");
    }
    List<TokenizedInput> tokens = new ArrayList<>(inputs.size());
    int promptTokens = 0;
    for (Input input : inputs) {
      TokenizedInput t = engine.tokenize(input.text() != null ? input.text() : decode(engine, input));
      if (t.length() > engine.maxTokens()) {
        throw ApiException.invalidRequest(
            input.param(),
            "Invalid '" + input.param() + "': it has " + t.length() + " tokens, more than this model's maximum of "
                + engine.maxTokens() + " tokens per input. Shorten it or split it into several inputs.",
            "context_length_exceeded");
      }
      tokens.add(t);
      promptTokens += t.length();
    }
    if (promptTokens > MAX_REQUEST_TOKENS) {
      throw ApiException.invalidRequest(
          "input", "Invalid 'input': the inputs have " + promptTokens + " tokens together, more than the maximum of "
              + MAX_REQUEST_TOKENS + " tokens per request. Send them in several requests.", "max_tokens_per_request");
    }
    float[][] vectors = engine.embed(tokens);
    List<Embedding> data = new ArrayList<>(vectors.length);
    for (int i = 0; i < vectors.length; i++) {
      float[] v = request.dimensions() == null ? vectors[i] : Vectors.truncate(vectors[i], request.dimensions());
      data.add(base64 ? Embedding.base64(i, Vectors.base64(v)) : Embedding.of(i, v));
    }
    return CreateEmbeddingResponse.of(data, model.id(), promptTokens);
  }

  private EmbeddingEngine engine(ModelConfig model) {
    try {
      return engines.engine(model);
    } catch (RuntimeException e) {
      log.error("Cannot load embedding model {} from {}", model.id(), model.source(), e);
      throw new ApiException(
          503, "server_error", "The model `" + model.id() + "` could not be loaded: " + e.getMessage(), "model", null);
    }
  }

  private static boolean encoding(String format) {
    if (format == null || format.equals("float")) {
      return false;
    }
    if (format.equals("base64")) {
      return true;
    }
    throw ApiException.invalidRequest(
        "encoding_format", "Invalid value for 'encoding_format' = " + format + ": expected 'float' or 'base64'.");
  }

  private static String decode(EmbeddingEngine engine, Input input) {
    for (long id : input.tokenIds()) {
      if (id < 0 || id >= engine.vocabularySize()) {
        throw ApiException.invalidRequest(
            input.param(), "Invalid token id " + id + " in '" + input.param() + "': this model's token ids are 0 to "
                + (engine.vocabularySize() - 1) + ".");
      }
    }
    String text = engine.decode(input.tokenIds());
    if (text.isBlank()) {
      throw ApiException.invalidRequest(input.param(), "'" + input.param() + "' decodes to empty text.");
    }
    return text;
  }

  /** Tells the four shapes of {@code input} apart, with OpenAI's limits on each. */
  private static List<Input> inputs(Object input) {
    if (input instanceof String s) {
      return List.of(text("input", s));
    }
    if (!(input instanceof List<?> list)) {
      throw ApiException.invalidRequest(
          "input", "Invalid type for 'input': expected a string, an array of strings, an array of integers or an array of arrays of integers.",
          "invalid_type");
    }
    if (list.isEmpty()) {
      throw ApiException.invalidRequest("input", "Invalid 'input': empty array. Expected an array with minimum length 1.", "empty_array");
    }
    if (list.size() > MAX_INPUTS) {
      throw ApiException.invalidRequest(
          "input", "Invalid 'input': array too long. Expected an array with maximum length " + MAX_INPUTS + ", but got an array with length "
              + list.size() + " instead.", "array_above_max_length");
    }
    Object first = list.getFirst();
    if (isInteger(first)) {
      return List.of(new Input("input", null, tokenIds("input", list)));
    }
    List<Input> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      String param = "input[" + i + "]";
      Object item = list.get(i);
      if (first instanceof String && item instanceof String s) {
        out.add(text(param, s));
      } else if (first instanceof List<?> && item instanceof List<?> ids) {
        if (ids.isEmpty()) {
          throw ApiException.invalidRequest(param, "Invalid '" + param + "': empty array. Expected an array with minimum length 1.", "empty_array");
        }
        out.add(new Input(param, null, tokenIds(param, ids)));
      } else {
        throw ApiException.invalidRequest(
            param, "Invalid type for '" + param + "': every item of 'input' must be of the same kind (strings, integers or arrays of integers).",
            "invalid_type");
      }
    }
    return out;
  }

  private static Input text(String param, String s) {
    if (s.isEmpty()) {
      throw ApiException.invalidRequest(param, "'" + param + "' is invalid: an input cannot be an empty string.");
    }
    return new Input(param, s, null);
  }

  private static long[] tokenIds(String param, List<?> ids) {
    long[] out = new long[ids.size()];
    for (int i = 0; i < out.length; i++) {
      Object id = ids.get(i);
      if (!isInteger(id)) {
        throw ApiException.invalidRequest(param, "Invalid type for '" + param + "[" + i + "]': expected an integer token id.", "invalid_type");
      }
      if (id instanceof BigInteger) {
        throw ApiException.invalidRequest(param, "Invalid token id " + id + " in '" + param + "'.");
      }
      out[i] = ((Number) id).longValue();
    }
    return out;
  }

  private static boolean isInteger(Object o) {
    return o instanceof Integer || o instanceof Long || o instanceof BigInteger || o instanceof Short;
  }
}
