package dev.hearth.server.moderation;

import dev.hearth.server.embeddings.OnnxEmbeddingEngine;
import dev.hearth.server.embeddings.TokenizedInput;
import dev.hearth.server.moderation.ModerationExamples.Example;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Trains the shipped moderation classifier from {@code moderation/data/} and writes its weights
 * ({@code hearth-server/src/main/resources/moderation/hearth-moderation.json}) and its held-out evaluation
 * ({@code docs/moderation.md}). Deterministic: the same data gives the same weights. Run it after changing the data:
 *
 * <pre>
 * ./mvnw -q -o -pl hearth-server -am package -DskipTests
 * java -cp "hearth-server/target/classes:hearth-server/target/lib/*" dev.hearth.server.moderation.ModerationTrainer .
 * </pre>
 *
 * (the argument is the repository root). It embeds every example with the bundled all-MiniLM-L6-v2 (about a minute
 * on two cores) and trains in seconds.
 */
public final class ModerationTrainer {
  static final String EMBEDDING_MODEL = "all-minilm-l6-v2";
  static final String EMBEDDING_SOURCE = "classpath:all-minilm-l6-v2";
  static final double L2 = 1e-4;
  static final int ITERATIONS = 400;
  static final double LEARNING_RATE = 4.0;
  static final int FOLDS = 5;
  /** Thresholds allow at most this share of benign training texts (out of fold) to be flagged: none. */
  static final double BENIGN_FPR = 0.0;
  /** No threshold above this: beyond it a head would give up most of its recall for one odd benign text. */
  static final double MAX_THRESHOLD = 0.95;

  private ModerationTrainer() {}

  public static void main(String[] args) throws Exception {
    Path repo = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
    ModerationExamples data = ModerationExamples.load();
    try (OnnxEmbeddingEngine engine = OnnxEmbeddingEngine.load(EMBEDDING_MODEL, EMBEDDING_SOURCE, Map.of(),
        Files.createTempDirectory("hearth-moderation-train"))) {
      List<float[]> train = embed(engine, data.training());
      List<float[]> heldOut = embed(engine, data.heldOut());
      EmbeddingClassifier classifier = train(data, train);
      ModerationEvaluation eval = ModerationEvaluation.evaluate(classifier, data.heldOut(), heldOut);
      Path weights = repo.resolve("hearth-server/src/main/resources/moderation/hearth-moderation.json");
      Files.writeString(weights, classifier.toJson() + "\n");
      Files.writeString(repo.resolve("docs/moderation.md"), ModerationDoc.render(data, eval));
      System.out.println(eval.table());
      System.out.println("wrote " + weights);
    }
  }

  static List<float[]> embed(OnnxEmbeddingEngine engine, List<Example> examples) {
    List<TokenizedInput> tokens = examples.stream().map(e -> engine.tokenize(e.text())).toList();
    return Arrays.asList(engine.embed(tokens));
  }

  static EmbeddingClassifier train(ModerationExamples data, List<float[]> xs) {
    List<Example> examples = data.training();
    Map<Category, LogisticHead> heads = new EnumMap<>(Category.class);
    for (Category c : Category.values()) {
      if (c.trained()) {
        heads.put(c, head(examples, xs, e -> ModerationExamples.positive(e, c), ModerationExamples::benign));
      }
    }
    // Minors detector: thresholded so that texts without a child in them rarely count as mentioning one.
    LogisticHead minors = head(examples, xs, ModerationExamples::mentionsMinor, e -> !ModerationExamples.mentionsMinor(e));
    return new EmbeddingClassifier(EMBEDDING_MODEL, EMBEDDING_SOURCE, data.sha256(), heads, minors);
  }

  /** A head trained on all examples, with a threshold set from out-of-fold scores of the {@code negatives} to watch. */
  private static LogisticHead head(List<Example> examples, List<float[]> xs, Predicate<Example> label, Predicate<Example> watched) {
    boolean[] ys = new boolean[examples.size()];
    for (int i = 0; i < ys.length; i++) {
      ys[i] = label.test(examples.get(i));
    }
    List<Double> watchedScores = new ArrayList<>();
    for (int fold = 0; fold < FOLDS; fold++) {
      List<float[]> trainX = new ArrayList<>();
      List<Boolean> trainY = new ArrayList<>();
      for (int i = 0; i < ys.length; i++) {
        if (i % FOLDS != fold) {
          trainX.add(xs.get(i));
          trainY.add(ys[i]);
        }
      }
      boolean[] y = new boolean[trainY.size()];
      for (int i = 0; i < y.length; i++) {
        y[i] = trainY.get(i);
      }
      LogisticHead h = LogisticHead.train(trainX, y, L2, ITERATIONS, LEARNING_RATE);
      for (int i = fold; i < ys.length; i += FOLDS) {
        if (!ys[i] && watched.test(examples.get(i))) {
          watchedScores.add(h.score(xs.get(i)));
        }
      }
    }
    watchedScores.sort(null);
    int allowed = (int) Math.floor(BENIGN_FPR * watchedScores.size());
    double threshold = 0.5;
    if (!watchedScores.isEmpty()) {
      // Flag only above the (allowed+1)-th highest watched score.
      double bar = watchedScores.get(watchedScores.size() - 1 - allowed);
      threshold = Math.max(0.5, Math.min(MAX_THRESHOLD, bar + 1e-4));
    }
    return LogisticHead.train(xs, ys, L2, ITERATIONS, LEARNING_RATE).withThreshold(threshold);
  }
}
