package dev.hearth.server.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.server.embeddings.OnnxEmbeddingEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped classifier on the held-out examples (every fifth line of each data file, never trained on), with the
 * real bundled embedding model. The bars sit about one held-out example below the figures in docs/moderation.md.
 */
class ModerationEvaluationTest {
  @TempDir Path cache;

  /** Minimum precision and recall per category. */
  private static final Map<Category, double[]> BARS = Map.ofEntries(
      Map.entry(Category.HATE, new double[] {0.9, 0.65}),
      Map.entry(Category.HATE_THREATENING, new double[] {0.7, 0.8}),
      Map.entry(Category.HARASSMENT, new double[] {0.8, 0.85}),
      Map.entry(Category.HARASSMENT_THREATENING, new double[] {0.65, 0.9}),
      Map.entry(Category.ILLICIT, new double[] {0.85, 0.8}),
      Map.entry(Category.ILLICIT_VIOLENT, new double[] {0.75, 0.8}),
      Map.entry(Category.SELF_HARM, new double[] {0.85, 0.55}),
      Map.entry(Category.SELF_HARM_INTENT, new double[] {0.7, 0.8}),
      Map.entry(Category.SELF_HARM_INSTRUCTIONS, new double[] {0.85, 0.33}),
      Map.entry(Category.SEXUAL, new double[] {0.9, 0.9}),
      Map.entry(Category.VIOLENCE, new double[] {0.9, 0.35}),
      Map.entry(Category.VIOLENCE_GRAPHIC, new double[] {0.85, 0.5}));

  @Test
  void shippedWeightsWereTrainedOnTheCurrentData() {
    assertThat(EmbeddingClassifier.fromClasspath("hearth-moderation").dataSha256())
        .as("moderation/data changed: rerun ModerationTrainer (see its javadoc)")
        .isEqualTo(ModerationExamples.load().sha256());
  }

  @Test
  void everyCategoryHasAtLeastFiftyExamples() {
    ModerationExamples data = ModerationExamples.load();
    for (String file : Category.FILES) {
      long n = data.training().stream().filter(e -> e.file().equals(file)).count()
          + data.heldOut().stream().filter(e -> e.file().equals(file)).count();
      assertThat(n).as(file).isGreaterThanOrEqualTo(50);
    }
  }

  @Test
  void heldOutPrecisionRecallAndBenignFalsePositivesMeetTheBars() {
    ModerationExamples data = ModerationExamples.load();
    EmbeddingClassifier classifier = EmbeddingClassifier.fromClasspath("hearth-moderation");
    try (OnnxEmbeddingEngine engine = OnnxEmbeddingEngine.load(
        classifier.embeddingModel(), classifier.embeddingSource(), Map.of(), cache)) {
      List<float[]> vectors = ModerationTrainer.embed(engine, data.heldOut());
      ModerationEvaluation eval = ModerationEvaluation.evaluate(classifier, data.heldOut(), vectors);
      BARS.forEach((category, bar) -> {
        ModerationEvaluation.Counts c = eval.counts().get(category);
        assertThat(c.precision()).as("%s precision\n%s", category.wireName(), eval.table()).isGreaterThanOrEqualTo(bar[0]);
        assertThat(c.recall()).as("%s recall\n%s", category.wireName(), eval.table()).isGreaterThanOrEqualTo(bar[1]);
      });
      assertThat(eval.benignFalsePositiveRate()).as(eval.table()).isLessThanOrEqualTo(0.05);
    }
  }
}
