package dev.hearth.server.generation;

import dev.hearth.engine.grammar.TokenMasker;
import dev.hearth.engine.model.InferenceState;
import dev.hearth.engine.model.Model;
import dev.hearth.engine.model.Step;
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
   * @param grammar when not null, only tokens this grammar allows are sampled (structured outputs)
   */
  public record Params(int maxTokens, double temperature, double topP, long seed, double presencePenalty,
      double frequencyPenalty, Map<Integer, Double> logitBias, List<String> stop, int topLogprobs, boolean score,
      TokenMasker grammar) {
    public Params {
      logitBias = Map.copyOf(logitBias);
      stop = List.copyOf(stop);
    }

    /** Unconstrained: any token may follow. */
    public Params(int maxTokens, double temperature, double topP, long seed, double presencePenalty,
        double frequencyPenalty, Map<Integer, Double> logitBias, List<String> stop, int topLogprobs, boolean score) {
      this(maxTokens, temperature, topP, seed, presencePenalty, frequencyPenalty, logitBias, stop, topLogprobs, score, null);
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
   * @param cachedTokens prompt tokens reused from the model's prefix cache instead of being fed
   */
  public record Result(String text, int[] tokens, String finishReason, List<TokenLogprob> logprobs, boolean cancelled,
      double sumLogprob, int cachedTokens) {
    public Result(String text, int[] tokens, String finishReason, List<TokenLogprob> logprobs, boolean cancelled,
        double sumLogprob) {
      this(text, tokens, finishReason, logprobs, cancelled, sumLogprob, 0);
    }

    public int completionTokens() {
      return tokens.length;
    }
  }

  private Sequence() {}

  /** A state with room for the prompt and {@code maxTokens}, the prompt fed; returns it. */
  public static InferenceState prefill(Model model, int[] prompt, int maxTokens) {
    InferenceState state = model.newState(Stepper.capacity(model, prompt.length, maxTokens));
    model.ingest(state, prompt);
    return state;
  }

  /** Generates after a {@link #prefill}ed state, on the calling thread. */
  public static Result generate(Model model, InferenceState state, Params p, Listener listener) {
    Stepper stepper = new Stepper(model, state, null, p, listener, null);
    while (stepper.step()) {
      // one token per step
    }
    return stepper.result();
  }

  /** Prefills and generates on the calling thread; {@code promptLogprobs} as for {@link Stepper}. */
  public static Result run(Model model, int[] prompt, Params p, Listener listener, List<TokenLogprob> promptLogprobs) {
    Stepper stepper = new Stepper(model, null, prompt, p, listener, promptLogprobs);
    while (stepper.step()) {
      // a prompt chunk or one token per step
    }
    return stepper.result();
  }

  /**
   * One sequence advanced a round at a time, so that a loop can run many in one batched forward
   * pass: {@link #plan} says what it feeds this round (a chunk of its prompt, or the token it
   * sampled last), the loop runs the pass, {@link #fed} records it, and {@link #sample} then picks
   * the next token from the fresh logits (applying bias, penalties and the grammar, emitting text).
   */
  public static final class Stepper {
    /** Prompt tokens fed per {@link #step} when a stepper runs alone. */
    public static final int PREFILL_CHUNK = 16;

    private final Model model;
    private final Params p;
    private final Listener listener;
    private final Tokenizer tokenizer;
    private final int vocab;
    private final Sampler sampler;
    private final StreamingDetokenizer detokenizer;
    private final StopSequences stops;
    private final StringBuilder text = new StringBuilder();
    private final List<TokenLogprob> all;
    private final List<TokenLogprob> pending = new ArrayList<>();
    private final int[] counts;
    private final List<Integer> distinct = new ArrayList<>();
    private final int[] generated;
    private final float[] work;
    private final boolean penalties;
    private final int[] prompt;
    private final List<TokenLogprob> promptLogprobs;
    private final GrammarConstraint constraint;
    private final int cachedTokens;
    private InferenceState state;
    /** Prompt tokens in the state (a prefix cache hit starts above 0). */
    private int fed;
    /** The sampled token not yet fed, or -1. */
    private int next = -1;
    /** Tokens of the step planned for the running pass (0: none). */
    private int inFlight;
    /** The state's logits are fresh and no token has been sampled from them yet. */
    private boolean toSample;
    private int count;
    private double sumLogprob;
    private String finish = "length";
    private boolean cancelled;
    private boolean done;

    /**
     * @param state a prefilled state, or null to feed {@code prompt} first
     * @param promptLogprobs when not null, receives each prompt token's log-probability given the
     *     tokens before it (the first token, having none, is reported with 0 and no alternatives,
     *     except the start token the tokenizer adds, which is left out)
     */
    public Stepper(Model model, InferenceState state, int[] prompt, Params p, Listener listener,
        List<TokenLogprob> promptLogprobs) {
      this(model, state, prompt, 0, p, listener, promptLogprobs);
    }

    /**
     * @param cached with a non-null {@code state} and {@code prompt}: the state holds the prompt's
     *     first {@code cached} tokens (a prefix cache hit, {@code cached < prompt.length}); the rest is fed
     */
    Stepper(Model model, InferenceState state, int[] prompt, int cached, Params p, Listener listener,
        List<TokenLogprob> promptLogprobs) {
      this.model = model;
      this.p = p;
      this.listener = listener;
      this.tokenizer = model.tokenizer();
      this.vocab = model.config().vocabularySize();
      this.sampler = Sampler.of(SamplingParameters.of((float) p.temperature(), (float) Math.max(p.topP(), Float.MIN_VALUE), p.seed()));
      this.detokenizer = new StreamingDetokenizer(tokenizer, false);
      this.stops = new StopSequences(p.stop());
      this.all = p.logprobs() ? new ArrayList<>() : null;
      this.counts = new int[vocab];
      this.generated = new int[Math.max(0, p.maxTokens())];
      this.work = new float[vocab];
      this.penalties = p.presencePenalty() != 0 || p.frequencyPenalty() != 0;
      this.promptLogprobs = promptLogprobs;
      this.constraint = p.grammar() == null ? null : new GrammarConstraint(p.grammar());
      if (state != null && cached > 0) {
        if (cached >= prompt.length || state.length() != cached || promptLogprobs != null) {
          throw new IllegalArgumentException("a cached prefix must leave a prompt token to feed");
        }
        this.state = state;
        this.prompt = prompt;
        this.fed = cached;
        this.cachedTokens = cached;
      } else if (state != null) {
        this.state = state;
        this.prompt = new int[0];
        this.toSample = true;
        this.cachedTokens = 0;
      } else {
        this.prompt = prompt;
        this.state = model.newState(capacity(model, prompt.length, p.maxTokens()));
        this.toSample = prompt.length == 0;
        this.cachedTokens = 0;
      }
    }

    /** The KV capacity a sequence needs: its prompt and {@code maxTokens}, within the model's context. */
    public static int capacity(Model model, int promptTokens, int maxTokens) {
      return (int) Math.min(model.config().contextLength(), (long) promptTokens + Math.max(1, maxTokens));
    }

    /** Whether the prompt has been fed (and no token generated yet, when {@link #generatedTokens} is 0). */
    public boolean prefilled() {
      return fed >= prompt.length;
    }

    /** Prompt tokens that came from the prefix cache instead of being fed. */
    public int cachedTokens() {
      return cachedTokens;
    }

    public int generatedTokens() {
      return count;
    }

    /** The sequence's state (the loop copies it to start sibling sequences after the prompt). */
    public InferenceState state() {
      return state;
    }

    /** The tokens in the state, in order (the prompt, then the generated tokens fed so far). */
    public int[] stateTokens() {
      int[] out = java.util.Arrays.copyOf(prompt, state.length());
      int fromGenerated = state.length() - prompt.length;
      if (fromGenerated > 0) {
        System.arraycopy(generated, 0, out, prompt.length, fromGenerated);
      }
      return out;
    }

    /** Stops now (the client went away): the sequence is finished and feeds nothing more. */
    public void cancel() {
      cancelled = true;
      done = true;
    }

    public boolean finished() {
      return done;
    }

    /** Whether fresh logits wait for {@link #sample} (after the prompt, or after the last fed token). */
    public boolean readyToSample() {
      return toSample && !done;
    }

    /** Whether the sequence is decoding (it feeds one token per round) rather than feeding its prompt. */
    public boolean decoding() {
      return prefilled();
    }

    /** Tokens this sequence wants to feed in the next pass: the rest of its prompt, its sampled token, or none. */
    public int wants() {
      if (done || cancelled || toSample) {
        return 0;
      }
      if (fed < prompt.length) {
        return prompt.length - fed;
      }
      return next >= 0 ? 1 : 0;
    }

    /**
     * The step to put in this round's forward pass, feeding at most {@code limit} tokens; null when
     * there is nothing to feed. {@link #fed} must follow the pass.
     */
    public Step plan(int limit) {
      int wanted = wants();
      if (wanted == 0 || limit < 1) {
        return null;
      }
      if (fed < prompt.length) {
        int n = Math.min(wanted, limit);
        int start = fed;
        int[] chunk = java.util.Arrays.copyOfRange(prompt, start, start + n);
        inFlight = n;
        if (promptLogprobs == null) {
          return Step.of(state, chunk);
        }
        if (start == 0) {
          recordFirstPromptToken(prompt[0]);
        }
        return new Step(state, chunk, (index, logits) -> {
          int position = start + index + 1;
          if (position < prompt.length) {
            recordPromptToken(prompt[position], logits);
          }
        });
      }
      inFlight = 1;
      return Step.of(state, next);
    }

    /** The planned step went through the forward pass: the state's logits are fresh. */
    public void fed() {
      if (inFlight == 0) {
        return;
      }
      if (fed < prompt.length) {
        fed += inFlight;
        toSample = fed == prompt.length;
      } else {
        next = -1;
        toSample = true;
      }
      inFlight = 0;
    }

    /**
     * Samples the next token from the fresh logits and emits what text is safe; false once the
     * sequence is finished (the token will be fed in the next pass otherwise).
     */
    public boolean sample() {
      toSample = false;
      if (done) {
        return false;
      }
      if (cancelled) {
        done = true;
        return false;
      }
      if (count >= p.maxTokens()) {
        return finishUp();
      }
      System.arraycopy(state.lastLogits(), 0, work, 0, vocab);
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
      boolean needLogZ = p.logprobs() || p.score();
      int token = constraint != null
          ? constraint.sample(sampler, work, tokenizer, !needLogZ && p.topP() >= 1)
          : sampler.sample(work);
      double logZ = needLogZ ? logSumExp(work) : 0;
      double lp = needLogZ ? work[token] - logZ : 0;
      sumLogprob += lp;
      if (tokenizer.specialTokens().isEndOfGeneration(token)) {
        finish = "stop";
        return finishUp();
      }
      generated[count++] = token;
      if (constraint != null) {
        constraint.accept(tokenizer.tokenBytes(token, false));
      }
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
        done = true;
        return false;
      }
      if (!piece.isEmpty() || !pending.isEmpty()) {
        text.append(piece);
        if (!emit(listener, piece, pending)) {
          cancelled = true;
          done = true;
          return false;
        }
      }
      if (count == p.maxTokens() || state.length() == state.capacity()) {
        return finishUp();
      }
      next = token;
      return true;
    }

    /**
     * Advances alone (no batch): samples when logits are fresh, else feeds a prompt chunk or the
     * sampled token through a forward pass of its own; false once the sequence is finished.
     */
    public boolean step() {
      if (done) {
        return false;
      }
      if (cancelled) {
        done = true;
        return false;
      }
      if (toSample) {
        return sample();
      }
      Step s = plan(PREFILL_CHUNK);
      if (s == null) {
        throw new IllegalStateException("nothing to feed and nothing to sample");
      }
      model.forward(List.of(s));
      fed();
      return true;
    }

    private void recordFirstPromptToken(int token) {
      if (token != tokenizer.specialTokens().bos() || !tokenizer.specialTokens().addBos()) {
        promptLogprobs.add(new TokenLogprob(token, tokenText(tokenizer, token), tokenizer.tokenBytes(token, false), 0.0,
            List.of()));
      }
    }

    private void recordPromptToken(int token, float[] logits) {
      double logZ = logSumExp(logits);
      promptLogprobs.add(new TokenLogprob(token, tokenText(tokenizer, token), tokenizer.tokenBytes(token, false),
          logits[token] - logZ, top(tokenizer, logits, logZ, p.topLogprobs())));
    }

    /** Flushes held-back text at the end of generation. */
    private boolean finishUp() {
      done = true;
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
      return false;
    }

    public Result result() {
      return new Result(text.toString(), java.util.Arrays.copyOf(generated, count), finish, all, cancelled, sumLogprob,
          cachedTokens);
    }
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
