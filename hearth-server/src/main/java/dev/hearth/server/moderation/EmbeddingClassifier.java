package dev.hearth.server.moderation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The offline moderation classifier: one {@link LogisticHead} per category over the sentence embedding of
 * {@link #embeddingSource()}, plus a detector of references to minors. {@code sexual/minors} scores
 * {@code sexual × minors} and is flagged when both are. Weights are trained by {@link ModerationTrainer} from
 * {@code moderation/data/} and shipped as {@code moderation/<name>.json}.
 */
public final class EmbeddingClassifier {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final String embeddingModel;
  private final String embeddingSource;
  private final String dataSha256;
  private final Map<Category, LogisticHead> heads;
  private final LogisticHead minors;

  EmbeddingClassifier(String embeddingModel, String embeddingSource, String dataSha256, Map<Category, LogisticHead> heads,
      LogisticHead minors) {
    this.embeddingModel = embeddingModel;
    this.embeddingSource = embeddingSource;
    this.dataSha256 = dataSha256;
    this.heads = new EnumMap<>(heads);
    this.minors = minors;
  }

  /** Reads {@code moderation/NAME.json} from the class path (the config's {@code source: classpath:NAME}). */
  public static EmbeddingClassifier fromClasspath(String name) {
    String resource = "moderation/" + name + ".json";
    try (InputStream in = EmbeddingClassifier.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no " + resource + " on the class path");
      }
      return read(JSON.readTree(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static EmbeddingClassifier read(JsonNode root) {
    Map<Category, LogisticHead> heads = new EnumMap<>(Category.class);
    JsonNode h = root.path("heads");
    for (Category c : Category.values()) {
      if (c.trained()) {
        heads.put(c, head(h.path(c.wireName())));
      }
    }
    return new EmbeddingClassifier(root.path("embedding_model").asString(), root.path("embedding_source").asString(),
        root.path("data_sha256").asString(), heads, head(h.path(Category.MINORS)));
  }

  private static LogisticHead head(JsonNode node) {
    if (node.isMissingNode()) {
      throw new IllegalArgumentException("moderation weights lack a head");
    }
    JsonNode w = node.path("weights");
    float[] weights = new float[w.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = w.get(i).floatValue();
    }
    return new LogisticHead(weights, node.path("bias").asDouble(), node.path("threshold").asDouble());
  }

  String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("embedding_model", embeddingModel);
    root.put("embedding_source", embeddingSource);
    root.put("data_sha256", dataSha256);
    ObjectNode h = root.putObject("heads");
    heads.forEach((c, head) -> write(h.putObject(c.wireName()), head));
    write(h.putObject(Category.MINORS), minors);
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }

  private static void write(ObjectNode node, LogisticHead head) {
    node.put("bias", head.bias());
    node.put("threshold", head.threshold());
    ArrayNode w = node.putArray("weights");
    for (float x : head.weights()) {
      w.add(x);
    }
  }

  public String embeddingModel() {
    return embeddingModel;
  }

  public String embeddingSource() {
    return embeddingSource;
  }

  public String dataSha256() {
    return dataSha256;
  }

  /** Scores and flags of one (unit-length) embedding, every category in the spec's order. */
  public Verdict classify(float[] embedding) {
    Map<Category, Double> scores = new EnumMap<>(Category.class);
    Map<Category, Boolean> flags = new EnumMap<>(Category.class);
    heads.forEach((c, head) -> {
      double s = head.score(embedding);
      scores.put(c, s);
      flags.put(c, s >= head.threshold());
    });
    // A sub-category implies its parent: the parent scores at least as high and is flagged with it.
    for (Category c : Category.values()) {
      if (c.parent() != null && scores.containsKey(c)) {
        scores.merge(c.parent(), scores.get(c), Math::max);
        flags.merge(c.parent(), flags.get(c), Boolean::logicalOr);
      }
    }
    double minor = minors.score(embedding);
    scores.put(Category.SEXUAL_MINORS, scores.get(Category.SEXUAL) * minor);
    flags.put(Category.SEXUAL_MINORS, flags.get(Category.SEXUAL) && minor >= minors.threshold());
    return new Verdict(scores, flags);
  }

  /** What the classifier says about one text. */
  public record Verdict(Map<Category, Double> scores, Map<Category, Boolean> flags) {
    public boolean flagged() {
      return flags.containsValue(true);
    }

    /** The most severe reading across several pieces of one input: the highest score, any flag. */
    public static Verdict max(Iterable<Verdict> verdicts) {
      Map<Category, Double> scores = new EnumMap<>(Category.class);
      Map<Category, Boolean> flags = new EnumMap<>(Category.class);
      for (Verdict v : verdicts) {
        v.scores.forEach((c, s) -> scores.merge(c, s, Math::max));
        v.flags.forEach((c, f) -> flags.merge(c, f, Boolean::logicalOr));
      }
      return new Verdict(scores, flags);
    }

    public Map<String, Double> wireScores() {
      Map<String, Double> out = new LinkedHashMap<>();
      scores.forEach((c, s) -> out.put(c.wireName(), s));
      return out;
    }

    public Map<String, Boolean> wireFlags() {
      Map<String, Boolean> out = new LinkedHashMap<>();
      flags.forEach((c, f) -> out.put(c.wireName(), f));
      return out;
    }
  }
}
