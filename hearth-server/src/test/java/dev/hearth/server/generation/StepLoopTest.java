package dev.hearth.server.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.model.Model;
import dev.hearth.engine.model.ModelLoader;
import dev.hearth.server.testing.TinyLlm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Continuous batching: one forward pass per round over every sequence, and the prefix cache. */
class StepLoopTest {
  @TempDir static Path dir;
  static GgufFile file;
  static Model model;

  @BeforeAll
  static void load() throws Exception {
    file = GgufFile.open(TinyLlm.write(dir));
    model = ModelLoader.load(file);
  }

  @AfterAll
  static void close() {
    file.close();
  }

  static int[] tokens(String text) {
    return model.tokenizer().encode(text, true, false);
  }

  /** Sampled at temperature 1, never ending early (the end-of-turn token is banned). */
  static Sequence.Params sampled(int max, long seed) {
    return new Sequence.Params(max, 1.0, 1.0, seed, 0, 0, Map.of(model.tokenizer().specialTokens().eot(), -100.0),
        List.of(), -1, false);
  }

  static Sequence.Result alone(int[] prompt, Sequence.Params p) {
    return Sequence.run(model, prompt, p, (t, lp) -> true, null);
  }

  @Test
  void nChoicesFeedThePromptOnceAndDecodeInOnePass() {
    int[] prompt = tokens("A prompt of a few dozen tokens, fed once for every choice that continues it.");
    List<Sequence.Params> params = List.of(sampled(10, 1), sampled(10, 2), sampled(10, 3));
    try (StepLoop loop = new StepLoop(model, "test", 64, null)) {
      List<Sequence.Result> shared = loop.generateShared(prompt, params,
          List.of((t, lp) -> true, (t, lp) -> true, (t, lp) -> true));
      for (int i = 0; i < params.size(); i++) {
        assertThat(shared.get(i).tokens()).as("choice " + i).isEqualTo(alone(prompt, params.get(i)).tokens());
      }
      // the prompt once, then each choice feeds every sampled token but its last
      assertThat(loop.tokensFed()).isEqualTo(prompt.length + 3 * 9);
      assertThat(loop.maxBatchSequences()).isEqualTo(3);
      assertThat(loop.rounds()).isEqualTo(1 + 9);
    }
  }

  @Test
  void sequencesBatchedUnderASmallBudgetEachEqualTheirRunAlone() {
    int count = 8;
    List<int[]> prompts = new ArrayList<>();
    List<Sequence.Params> params = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      prompts.add(tokens("Prompt number " + i + " " + "word ".repeat(i * 3)));
      params.add(i % 2 == 0 ? sampled(12 + i, 40 + i)
          : new Sequence.Params(12 + i, 0.8, 0.9, 40 + i, 0.5, 0.3, Map.of(), List.of(), 2, true));
    }
    int[] echoed = tokens("A prompt whose every token's log-probability is reported as well.");
    Sequence.Params echoParams = new Sequence.Params(6, 1.0, 1.0, 9, 0, 0, Map.of(), List.of(), 3, false);
    List<Sequence.TokenLogprob> echoAlone = new ArrayList<>();
    Sequence.Result echoAloneResult = Sequence.run(model, echoed, echoParams, (t, lp) -> true, echoAlone);
    try (StepLoop loop = new StepLoop(model, "test", 8, null)) {
      List<Sequence.TokenLogprob> echo = new ArrayList<>();
      List<Sequence.Result> batched = Parallel.map(count + 1, i -> i == count
          ? loop.generate(echoed, echoParams, (t, lp) -> true, echo)
          : loop.generate(prompts.get(i), params.get(i), (t, lp) -> true, null));
      for (int i = 0; i < count; i++) {
        Sequence.Result a = alone(prompts.get(i), params.get(i));
        assertThat(batched.get(i).tokens()).as("sequence " + i).isEqualTo(a.tokens());
        assertThat(batched.get(i).text()).isEqualTo(a.text());
        assertThat(batched.get(i).sumLogprob()).isEqualTo(a.sumLogprob());
      }
      assertThat(batched.get(count).tokens()).isEqualTo(echoAloneResult.tokens());
      assertThat(echo).hasSameSizeAs(echoAlone);
      for (int i = 0; i < echo.size(); i++) {
        assertThat(echo.get(i).logprob()).as("prompt token " + i).isEqualTo(echoAlone.get(i).logprob());
        assertThat(echo.get(i).top().stream().map(a -> a.token() + ":" + a.logprob()).toList())
            .isEqualTo(echoAlone.get(i).top().stream().map(a -> a.token() + ":" + a.logprob()).toList());
      }
      assertThat(loop.maxBatchSequences()).isGreaterThan(1);
    }
  }

  @Test
  void aPrefixCacheHitFeedsOnlyTheRestAndContinuesExactlyLikeAColdRun() {
    PrefixCache cache = new PrefixCache(model.config(), 64L << 20);
    int[] first = tokens("You are a helpful assistant. The first turn of a conversation goes here.");
    Sequence.Params p = sampled(8, 5);
    try (StepLoop loop = new StepLoop(model, "test", 64, cache)) {
      Sequence.Result turn1 = loop.generate(first, p, (t, lp) -> true, null);
      assertThat(turn1.cachedTokens()).isZero();
      assertThat(turn1.tokens()).isEqualTo(alone(first, p).tokens());
      assertThat(cache.size()).isEqualTo(1);

      // the next turn: the first prompt, the answer, then more
      int[] more = tokens(" And a second question follows the answer.");
      int[] second = IntStream.concat(IntStream.concat(Arrays.stream(first), Arrays.stream(turn1.tokens())),
          Arrays.stream(more, 1, more.length)).toArray();
      Sequence.Params p2 = sampled(10, 6);
      long fedBefore = loop.tokensFed();
      Sequence.Result turn2 = loop.generate(second, p2, (t, lp) -> true, null);
      int cached = first.length + turn1.tokens().length - 1; // the last sampled token was never fed
      assertThat(turn2.cachedTokens()).isEqualTo(cached);
      assertThat(loop.tokensFed() - fedBefore).isEqualTo(second.length - cached + 9);
      assertThat(turn2.tokens()).isEqualTo(alone(second, p2).tokens());
      assertThat(cache.size()).isEqualTo(1); // the longer state replaced the one it extends

      // the very same prompt again: all but its last token come from the cache
      Sequence.Result again = loop.generate(first, p, (t, lp) -> true, null);
      assertThat(again.cachedTokens()).isEqualTo(first.length - 1);
      assertThat(again.tokens()).isEqualTo(turn1.tokens());
      assertThat(cache.hits()[0]).isEqualTo(2);
    }
  }

  @Test
  void aPromptIsCachedOnceFedSoARequestSharingItHitsWhileTheFirstStillRuns() throws Exception {
    PrefixCache cache = new PrefixCache(model.config(), 64L << 20);
    int[] system = tokens("A long system prompt shared by many requests at once, as chat deployments have.");
    int[] more = tokens(" Then the user's own question.");
    int[] other = IntStream.concat(Arrays.stream(system), Arrays.stream(more, 1, more.length)).toArray();
    Sequence.Params p = sampled(12, 21);
    try (StepLoop loop = new StepLoop(model, "test", 64, cache)) {
      java.util.concurrent.CompletableFuture<Sequence.Result> second = new java.util.concurrent.CompletableFuture<>();
      Sequence.Result first = loop.generate(system, sampled(40, 20), (t, lp) -> {
        if (!second.isDone()) { // the first sequence is generating: its prompt is on its way into the cache
          long deadline = System.nanoTime() + 10_000_000_000L;
          while (cache.size() == 0 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // polls a condition, no timing assumed
          }
          second.complete(loop.generate(other, p, (t2, lp2) -> true, null));
        }
        return true;
      }, null);
      assertThat(first.cachedTokens()).isZero();
      assertThat(second.get().cachedTokens()).isEqualTo(system.length);
      assertThat(second.get().tokens()).isEqualTo(alone(other, p).tokens());
    }
  }

  @Test
  void thePrefixCacheStaysWithinItsBudget() {
    int[] prompt = tokens("Some prompt that is long enough to be worth caching at all.");
    PrefixCache cache = new PrefixCache(model.config(), 1);
    try (StepLoop loop = new StepLoop(model, "test", 64, cache)) {
      loop.generate(prompt, sampled(2, 1), (t, lp) -> true, null);
      assertThat(cache.size()).isZero(); // too small for any state
    }
    PrefixCache two = new PrefixCache(model.config(), new PrefixCache(model.config(), 1).bytes(2 * prompt.length + 8));
    try (StepLoop loop = new StepLoop(model, "test", 64, two)) {
      for (int i = 0; i < 4; i++) {
        loop.generate(tokens(i + " different prompts, each about as long as the others are"), sampled(2, i),
            (t, lp) -> true, null);
        assertThat(two.usedBytes()).isLessThanOrEqualTo(two.bytes(2 * prompt.length + 8));
      }
      assertThat(two.size()).isBetween(1, 2);
    }
  }
}
