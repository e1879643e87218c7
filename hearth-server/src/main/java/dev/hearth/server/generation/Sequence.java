package dev.hearth.server.generation;

import dev.hearth.engine.model.InferenceState;
import dev.hearth.engine.model.Model;
import dev.hearth.engine.sampling.Sampler;
import dev.hearth.engine.sampling.SamplingParameters;
import dev.hearth.engine.tokenizer.StreamingDetokenizer;
import dev.hearth.engine.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One generated sequence, the way the OpenAI APIs define it: the prompt is fed, then each step
 * applies {@code logit_bias} and the presence/frequency penalties to the logits, samples (seeded),
 * records log-probabilities, detokenizes UTF-8 safely and holds back text that may be the start of
 * a stop sequence, so a stop string is never emitted even when it spans tokens. The listener gets
 * each piece of text as soon as it is safe and can cancel (a disconnected client) between steps.
 */
public final class Sequence {

  /**
   * @param maxTokens most tokens to generate
   * @param topLogprobs alternatives per position, or -1 when log-probabilities are not wanted
   * @param score sum the chosen tokens' log-probabilities ({@link Result#sumLogprob}, for best_of) even without logprobs
   */
  public record Params(int maxTokens, double temperature, double topP, long seed, double presencePenalty,
      double frequencyPenalty, Map<Integer, Double> logitBias, List<String> stop, int topLogprobs, boolean score) {
    public Params {
      logitBias = Map.copyOf(logitBias);
      stop = List.copyOf(stop);
    }

    public boolean logprobs() {
      return topLogprobs >= 0;
    }
  }

  /** One alternative token at a position. */
  public record Alternative(int token, String text, byte[] bytes, double logprob) {}

  /** A generated token's log-probability and its most likely alternatives. */
  public record TokenLogprob(int token, String text, byte[] bytes, double logprob, List<Alternative> top) {}

  /** Receives text as it becomes safe to emit; returns false to stop generating (client gone). */
  @FunctionalInterface
  public interface Listener {
    boolean onText(String text, List<TokenLogprob> logprobs);
  }

  /**
   * @param finishReason {@code stop} (end-of-generation token or stop sequence) or {@code length}
   * @param cancelled the listener asked to stop
   */
  public record Result(String text, int[] tokens, String finishReason, List<TokenLogprob> logprobs, boolean cancelled,
      double sumLogprob) {
    public int completionTokens() {
      return tokens.length;
    }
  }

  private Sequence() {}

  /** A state with room for the prompt and {@code maxTokens}, the prompt fed; returns it. */
  public static InferenceState prefill(Model model, int[] prompt, int maxTokens) {
    int capacity = (int) Math.min(model.config().contextLength(), (long) prompt.length + Math.max(1, maxTokens));
    InferenceState state = model.newState(capacity);
    model.ingest(state, prompt);
    return state;
  }

  /** Generates after a {@link #prefill}ed state. */
  public static Result generate(Model model, InferenceState state, Params p, Listener listener) {
    Tokenizer tokenizer = model.tokenizer();
    int vocab = model.config().vocabularySize();
    Sampler sampler = Sampler.of(SamplingParameters.of((float) p.temperature(), (float) Math.max(p.topP(), Float.MIN_VALUE), p.seed()));
    StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer, false);
    StopSequences stops = new StopSequences(p.stop());
    StringBuilder text = new StringBuilder();
    List<TokenLogprob> all = p.logprobs() ? new ArrayList<>() : null;
    List<TokenLogprob> pending = new ArrayList<>();
    int[] counts = new int[vocab];
    List<Integer> distinct = new ArrayList<>();
    int[] generated = new int[Math.max(0, p.maxTokens())];
    int count = 0;
    double sumLogprob = 0;
    String finish = "length";
    boolean cancelled = false;
    float[] work = new float[vocab];
    float[] logits = state.logits();
    boolean penalties = p.presencePenalty() != 0 || p.frequencyPenalty() != 0;
    while (count < p.maxTokens()) {
      System.arraycopy(logits, 0, work, 0, vocab);
      for (var e : p.logitBias().entrySet()) {
        if (e.getKey() < vocab) {
          work[e.getKey()] += e.getValue().floatValue();
        }
      }
      if (penalties) {
        for (int i = 0; i < distinct.size(); i++) {
          int t = distinct.get(i);
          work[t] -= (float) (p.presencePenalty() + p.frequencyPenalty() * counts[t]);
        }
      }
      int token = sampler.sample(work);
      boolean needLogZ = p.logprobs() || p.score();
      double logZ = needLogZ ? logSumExp(work) : 0;
      double lp = needLogZ ? work[token] - logZ : 0;
      sumLogprob += lp;
      if (tokenizer.specialTokens().isEndOfGeneration(token)) {
        finish = "stop";
        break;
      }
      generated[count++] = token;
      if (counts[token]++ == 0) {
        distinct.add(token);
      }
      if (p.logprobs()) {
        TokenLogprob info = new TokenLogprob(token, tokenText(tokenizer, token), tokenizer.tokenBytes(token, false), lp,
            top(tokenizer, work, logZ, p.topLogprobs()));
        all.add(info);
        pending.add(info);
      }
      String piece = stops.append(detokenizer.accept(token));
      if (stops.stopped()) {
        text.append(piece);
        if (!emit(listener, piece, pending)) {
          cancelled = true;
        }
        finish = "stop";
        break;
      }
      if (!piece.isEmpty() || !pending.isEmpty()) {
        text.append(piece);
        if (!emit(listener, piece, pending)) {
          cancelled = true;
          break;
        }
      }
      if (count == p.maxTokens() || state.length() == state.capacity()) {
        break;
      }
      logits = model.forward(state, token);
    }
    if (!stops.stopped() && !cancelled) {
      String tail = stops.append(detokenizer.finish());
      if (!stops.stopped()) {
        tail += stops.flush();
      } else {
        finish = "stop";
      }
      text.append(tail);
      if (!tail.isEmpty() || !pending.isEmpty()) {
        cancelled = !emit(listener, tail, pending);
      }
    }
    return new Result(text.toString(), java.util.Arrays.copyOf(generated, count), finish, all, cancelled, sumLogprob);
  }

  private static boolean emit(Listener listener, String piece, List<TokenLogprob> pending) {
    List<TokenLogprob> batch = List.copyOf(pending);
    pending.clear();
    return listener.onText(piece, batch);
  }

  /** The text a token stands for on its own (invalid UTF-8 pieces replaced). */
  public static String tokenText(Tokenizer tokenizer, int token) {
    return new String(tokenizer.tokenBytes(token, false), StandardCharsets.UTF_8);
  }

  public static double logSumExp(float[] logits) {
    float max = Float.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    for (float l : logits) {
      sum += Math.exp(l - max);
    }
    return max + Math.log(sum);
  }

  /** The {@code k} most likely tokens, most likely first (lower id first among equals). */
  public static List<Alternative> top(Tokenizer tokenizer, float[] logits, double logZ, int k) {
    if (k <= 0) {
      return List.of();
    }
    int[] best = new int[Math.min(k, logits.length)];
    int filled = 0;
    for (int i = 0; i < logits.length; i++) {
      if (filled < best.length) {
        int j = filled++;
        while (j > 0 && logits[best[j - 1]] < logits[i]) {
          best[j] = best[j - 1];
          j--;
        }
        best[j] = i;
      } else if (logits[i] > logits[best[filled - 1]]) {
        int j = filled - 1;
        while (j > 0 && logits[best[j - 1]] < logits[i]) {
          best[j] = best[j - 1];
          j--;
        }
        best[j] = i;
      }
    }
    List<Alternative> out = new ArrayList<>(filled);
    for (int i = 0; i < filled; i++) {
      int t = best[i];
      out.add(new Alternative(t, tokenText(tokenizer, t), tokenizer.tokenBytes(t, false), logits[t] - logZ));
    }
    return out;
  }
}
