package dev.hearth.server.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.model.InferenceState;
import dev.hearth.engine.model.Model;
import dev.hearth.engine.model.ModelLoader;
import dev.hearth.server.testing.TinyLlm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generation loop: cancellation, logit bias, penalties and stop sequences on a tiny model. */
class SequenceTest {
  @TempDir static Path dir;
  static GgufFile file;
  static Model model;
  static int[] prompt;

  @BeforeAll
  static void load() throws Exception {
    file = GgufFile.open(TinyLlm.write(dir));
    model = ModelLoader.load(file);
    prompt = model.tokenizer().encode("Once upon a time", true, false);
  }

  @AfterAll
  static void close() {
    file.close();
  }

  static Sequence.Params greedy(int max, Map<Integer, Double> bias, List<String> stop, double frequency) {
    Map<Integer, Double> b = new java.util.HashMap<>(bias);
    b.put(model.tokenizer().specialTokens().eot(), -100.0);
    return new Sequence.Params(max, 0, 1, 0, 0, frequency, b, stop, -1, false);
  }

  Sequence.Result run(Sequence.Params p, Sequence.Listener l) {
    InferenceState s = Sequence.prefill(model, prompt, p.maxTokens());
    return Sequence.generate(model, s, p, l);
  }

  @Test
  void aListenerThatSaysStopEndsGenerationAtOnce() {
    int[] calls = {0};
    Sequence.Result r = run(greedy(50, Map.of(), List.of(), 0), (text, lp) -> {
      calls[0]++;
      return false;
    });
    assertThat(r.cancelled()).isTrue();
    assertThat(calls[0]).isEqualTo(1);
    assertThat(r.completionTokens()).isLessThanOrEqualTo(4); // the first emitted piece: at most one UTF-8 character's tokens
  }

  @Test
  void logitBiasForcesAToken() {
    Sequence.Result r = run(greedy(5, Map.of(65, 100.0), List.of(), 0), (t, lp) -> true);
    assertThat(r.tokens()).containsOnly(65);
    assertThat(r.finishReason()).isEqualTo("length");
  }

  @Test
  void frequencyPenaltyStopsRepetition() {
    Sequence.Result plain = run(greedy(40, Map.of(), List.of(), 0), (t, lp) -> true);
    Sequence.Result penalized = run(greedy(40, Map.of(), List.of(), 2.0), (t, lp) -> true);
    assertThat(distinct(penalized.tokens())).isGreaterThanOrEqualTo(distinct(plain.tokens()));
    assertThat(penalized.tokens()).isNotEqualTo(plain.tokens());
  }

  @Test
  void streamedPiecesNeverContainTheStopString() {
    Sequence.Result free = run(greedy(30, Map.of(), List.of(), 0), (t, lp) -> true);
    String text = free.text();
    String stop = text.substring(10, 13);
    List<String> pieces = new ArrayList<>();
    Sequence.Result stopped = run(greedy(30, Map.of(), List.of(stop), 0), (t, lp) -> pieces.add(t));
    assertThat(stopped.text()).isEqualTo(text.substring(0, text.indexOf(stop)));
    assertThat(String.join("", pieces)).isEqualTo(stopped.text());
    assertThat(stopped.finishReason()).isEqualTo("stop");
  }

  static long distinct(int[] tokens) {
    return java.util.Arrays.stream(tokens).distinct().count();
  }

  @Test
  void theStepLoopInterleavesSequencesWithoutChangingThem() throws Exception {
    Sequence.Params a = new Sequence.Params(20, 1.0, 1.0, 7, 0, 0, Map.of(), List.of(), 2, false);
    Sequence.Params b = new Sequence.Params(30, 0.8, 0.9, 8, 0.5, 0, Map.of(), List.of(), -1, false);
    int[] longPrompt = model.tokenizer().encode("A much longer prompt than the other one, so that it is fed in chunks"
        + " while the first sequence is already generating tokens.", true, false);
    Sequence.Result aloneA = Sequence.run(model, prompt, a, (t, lp) -> true, null);
    Sequence.Result aloneB = Sequence.run(model, longPrompt, b, (t, lp) -> true, null);
    try (StepLoop loop = new StepLoop(model, "test")) {
      var futureA = java.util.concurrent.CompletableFuture.supplyAsync(() -> loop.generate(prompt, a, (t, lp) -> true, null));
      var futureB = java.util.concurrent.CompletableFuture.supplyAsync(() -> loop.generate(longPrompt, b, (t, lp) -> true, null));
      assertThat(futureA.get().text()).isEqualTo(aloneA.text());
      assertThat(futureA.get().logprobs()).hasSameSizeAs(aloneA.logprobs());
      assertThat(futureB.get().tokens()).isEqualTo(aloneB.tokens());
      // a listener that says stop ends the sequence; the loop goes on serving others
      Sequence.Result stopped = loop.generate(prompt, greedy(50, Map.of(), List.of(), 0), (t, lp) -> false, null);
      assertThat(stopped.cancelled()).isTrue();
      assertThat(loop.generate(prompt, a, (t, lp) -> true, null).text()).isEqualTo(aloneA.text());
    }
  }

  @Test
  void siblingsFromOneFedPromptEqualSequencesThatFedItThemselves() {
    List<Sequence.Params> params = List.of(
        new Sequence.Params(12, 1.0, 1.0, 1, 0, 0, Map.of(), List.of(), 1, false),
        new Sequence.Params(12, 1.0, 1.0, 2, 0, 0, Map.of(), List.of(), 1, false),
        new Sequence.Params(12, 0.7, 0.9, 3, 0, 0.5, Map.of(), List.of(), -1, true));
    int[] longPrompt = model.tokenizer().encode("A prompt long enough to be fed in more than one chunk of sixteen tokens,"
        + " so that the copy is taken after the last chunk and not before.", true, false);
    try (StepLoop loop = new StepLoop(model, "test")) {
      List<Sequence.Result> shared = loop.generateShared(longPrompt, params,
          List.of((t, lp) -> true, (t, lp) -> true, (t, lp) -> true));
      for (int i = 0; i < params.size(); i++) {
        Sequence.Result alone = Sequence.run(model, longPrompt, params.get(i), (t, lp) -> true, null);
        assertThat(shared.get(i).tokens()).as("choice " + i).isEqualTo(alone.tokens());
        assertThat(shared.get(i).sumLogprob()).isEqualTo(alone.sumLogprob());
      }
    }
  }
}
