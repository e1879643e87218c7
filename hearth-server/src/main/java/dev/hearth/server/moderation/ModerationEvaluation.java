package dev.hearth.server.moderation;

import dev.hearth.server.moderation.ModerationExamples.Example;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Per-category precision and recall of a classifier on labeled examples, and its false-positive rate on benign text. */
public record ModerationEvaluation(Map<Category, Counts> counts, int benign, int benignFlagged) {

  /** True/false positives and false negatives of one category. */
  public record Counts(int tp, int fp, int fn) {
    public double precision() {
      return tp + fp == 0 ? 1 : (double) tp / (tp + fp);
    }

    public double recall() {
      return tp + fn == 0 ? 1 : (double) tp / (tp + fn);
    }

    public int support() {
      return tp + fn;
    }
  }

  public static ModerationEvaluation evaluate(EmbeddingClassifier classifier, List<Example> examples, List<float[]> embeddings) {
    Map<Category, int[]> c = new EnumMap<>(Category.class);
    int benign = 0;
    int benignFlagged = 0;
    for (int i = 0; i < examples.size(); i++) {
      Example e = examples.get(i);
      EmbeddingClassifier.Verdict v = classifier.classify(embeddings.get(i));
      if (ModerationExamples.benign(e)) {
        benign++;
        benignFlagged += v.flagged() ? 1 : 0;
      }
      for (Category cat : Category.values()) {
        if (!cat.trained()) {
          continue;
        }
        int[] k = c.computeIfAbsent(cat, x -> new int[3]);
        boolean truth = ModerationExamples.positive(e, cat);
        boolean said = v.flags().get(cat);
        if (truth && said) {
          k[0]++;
        } else if (said) {
          k[1]++;
        } else if (truth) {
          k[2]++;
        }
      }
    }
    Map<Category, Counts> counts = new EnumMap<>(Category.class);
    c.forEach((cat, k) -> counts.put(cat, new Counts(k[0], k[1], k[2])));
    return new ModerationEvaluation(counts, benign, benignFlagged);
  }

  public double benignFalsePositiveRate() {
    return benign == 0 ? 0 : (double) benignFlagged / benign;
  }

  /** A Markdown table: category, support, precision, recall. */
  public String table() {
    StringBuilder sb = new StringBuilder("| category | held-out positives | precision | recall |\n|---|---:|---:|---:|\n");
    counts.forEach((cat, k) -> sb.append(String.format(Locale.ROOT, "| `%s` | %d | %.2f | %.2f |%n",
        cat.wireName(), k.support(), k.precision(), k.recall())));
    sb.append(String.format(Locale.ROOT, "%nBenign held-out texts (everyday, hard negatives, references to minors): %d, "
        + "flagged in any category: %d (false-positive rate %.1f%%).%n", benign, benignFlagged, 100 * benignFalsePositiveRate()));
    return sb.toString();
  }
}
