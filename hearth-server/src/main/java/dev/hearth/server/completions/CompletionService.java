package dev.hearth.server.completions;

import dev.hearth.api.chat.CompletionUsage;
import dev.hearth.api.completions.Completion;
import dev.hearth.engine.tokenizer.Tokenizer;
import dev.hearth.server.generation.LlmModels;
import dev.hearth.server.generation.LoadedModel;
import dev.hearth.server.generation.Parallel;
import dev.hearth.server.generation.Scheduler;
import dev.hearth.server.generation.Sequence;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.http.SseStream;
import dev.hearth.server.http.SseStreams;
import dev.hearth.server.models.ModelRegistry;
import dev.hearth.store.Ids;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code POST /v1/completions} on the GGUF engine: every prompt form, {@code echo}, legacy
 * {@code logprobs} (for echoed prompt tokens too), {@code best_of} (the candidates with the highest
 * log-probability per token win), {@code suffix} for models with fill-in-the-middle tokens, and streaming.
 */
public final class CompletionService {
  /** Fill-in-the-middle token texts: prefix, suffix, middle (Qwen2.5-Coder/StarCoder, then CodeLlama-style). */
  private static final String[][] FIM = {
      {"<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"},
      {"<fim_prefix>", "<fim_suffix>", "<fim_middle>"},
      {"<PRE>", "<SUF>", "<MID>"}};

  private final ModelRegistry registry;
  private final LlmModels models;
  private final InstantSource clock;

  public CompletionService(ModelRegistry registry, LlmModels models, InstantSource clock) {
    this.registry = registry;
    this.models = models;
    this.clock = clock;
  }

  /** One tokenized prompt: its ids and the text {@code echo} repeats. */
  record PromptTokens(int[] tokens, String text) {}

  public record Prepared(LegacyCompletionRequest request, LoadedModel model, List<PromptTokens> prompts, int maxTokens,
      long seed, Scheduler.Slot slot) implements AutoCloseable {
    @Override
    public void close() {
      slot.close();
    }
  }

  public Prepared prepare(LegacyCompletionRequest r, Collection<String> allowed) {
    return prepare(r, allowed, false);
  }

  /** @param background a batch line: waits for a slot instead of being refused */
  public Prepared prepare(LegacyCompletionRequest r, Collection<String> allowed, boolean background) {
    LoadedModel model = models.resolve(registry, r.model(), allowed, "/v1/completions");
    Tokenizer tokenizer = model.model().tokenizer();
    String[] fim = null;
    if (r.suffix() != null) {
      fim = fimTokens(model);
      if (fim == null) {
        throw ApiException.invalidRequest("suffix", "The model `" + r.model() + "` has no fill-in-the-middle tokens, so"
            + " 'suffix' is not supported with it.", "unsupported_parameter");
      }
    }
    List<PromptTokens> prompts = new ArrayList<>();
    int longest = 0;
    for (int i = 0; i < r.prompts().size(); i++) {
      CompletionPrompt p = r.prompts().get(i);
      int[] tokens;
      String text;
      if (p.isText()) {
        text = p.text();
        String source = fim == null ? text : fim[0] + text + fim[1] + r.suffix() + fim[2];
        tokens = tokenizer.encode(source, true, fim != null);
      } else {
        tokens = p.tokens();
        int vocab = model.model().config().vocabularySize();
        for (int j = 0; j < tokens.length; j++) {
          if (tokens[j] >= vocab) {
            String at = r.prompts().size() == 1 && r.prompts().get(0) == p ? "prompt" : "prompt[" + i + "]";
            throw ApiException.invalidRequest(at, "Invalid token id " + tokens[j] + " in '" + at + "': the model's"
                + " vocabulary has " + vocab + " tokens.", "invalid_value");
          }
        }
        text = tokenizer.decode(tokens);
      }
      if (tokens.length == 0) {
        throw ApiException.invalidRequest("prompt", "The prompt is empty and the model adds no start token.");
      }
      prompts.add(new PromptTokens(tokens, text));
      longest = Math.max(longest, tokens.length);
    }
    int maxTokens = LlmModels.budget(model, longest, r.maxTokens(), "prompt");
    long seed = r.seed() != null ? r.seed() : ThreadLocalRandom.current().nextLong();
    return new Prepared(r, model, prompts, maxTokens, seed, model.scheduler().admit(background, r.stream() ? 1 : r.bestOf()));
  }

  private static String[] fimTokens(LoadedModel model) {
    for (String[] set : FIM) {
      if (model.tokenId(set[0]) >= 0 && model.tokenId(set[1]) >= 0 && model.tokenId(set[2]) >= 0) {
        return set;
      }
    }
    return null;
  }

  private Sequence.Params params(Prepared p, int candidate) {
    LegacyCompletionRequest r = p.request();
    return new Sequence.Params(p.maxTokens(), r.temperature(), r.topP(), p.seed() + candidate, r.presencePenalty(),
        r.frequencyPenalty(), r.logitBias(), r.stop(), r.logprobs() == null ? -1 : r.logprobs(), r.bestOf() > r.n());
  }

  private record Candidate(int index, String text, String finishReason, List<Sequence.TokenLogprob> logprobs, int tokens,
      double score) {}

  private static Candidate candidate(LegacyCompletionRequest r, PromptTokens prompt, int index, Sequence.Result res,
      List<Sequence.TokenLogprob> echoed) {
    List<Sequence.TokenLogprob> lps = new ArrayList<>();
    if (echoed != null) {
      lps.addAll(echoed);
    }
    if (res.logprobs() != null) {
      lps.addAll(res.logprobs());
    }
    return new Candidate(index, (r.echo() ? prompt.text() : "") + res.text(), res.finishReason(), lps,
        res.completionTokens(), res.completionTokens() == 0 ? 0 : res.sumLogprob() / res.completionTokens());
  }

  public Completion complete(Prepared p) {
    LegacyCompletionRequest r = p.request();
    List<Completion.Choice> choices = new ArrayList<>();
    int completionTokens = 0;
    int promptTokens = 0;
    int cachedTokens = 0;
    for (int pi = 0; pi < p.prompts().size(); pi++) {
      PromptTokens prompt = p.prompts().get(pi);
      promptTokens += prompt.tokens().length;
      List<Candidate> candidates;
      if (r.echo() && r.logprobs() != null) {
        candidates = Parallel.map(r.bestOf(), c -> {
          List<Sequence.TokenLogprob> echoed = new ArrayList<>();
          Sequence.Result res = p.model().loop().generate(prompt.tokens(), params(p, c), (t, lp) -> true, echoed);
          return candidate(r, prompt, c, res, echoed);
        });
      } else {
        // the prompt is fed once; every candidate continues from a copy of that state
        List<Sequence.Params> params = new ArrayList<>();
        List<Sequence.Listener> listeners = new ArrayList<>();
        for (int c = 0; c < r.bestOf(); c++) {
          params.add(params(p, c));
          listeners.add((t, lp) -> true);
        }
        List<Sequence.Result> results = p.model().loop().generateShared(prompt.tokens(), params, listeners);
        cachedTokens += results.get(0).cachedTokens();
        candidates = new ArrayList<>();
        for (int c = 0; c < results.size(); c++) {
          candidates.add(candidate(r, prompt, c, results.get(c), null));
        }
      }
      for (Candidate c : candidates) {
        completionTokens += c.tokens();
      }
      List<Candidate> chosen = r.bestOf() > r.n()
          ? candidates.stream().sorted(Comparator.comparingDouble(Candidate::score).reversed()).limit(r.n()).toList()
          : candidates;
      for (int i = 0; i < chosen.size(); i++) {
        Candidate c = chosen.get(i);
        choices.add(new Completion.Choice(c.text(), pi * r.n() + i,
            r.logprobs() == null ? null : legacy(c.logprobs(), 0), c.finishReason()));
      }
    }
    return new Completion(Ids.newId("cmpl-"), Completion.OBJECT, clock.instant().getEpochSecond(), p.model().config().id(),
        choices, p.model().fingerprint(), CompletionUsage.of(promptTokens, completionTokens, cachedTokens, 0));
  }

  public void stream(Prepared p, SseStream stream) {
    LegacyCompletionRequest r = p.request();
    String id = Ids.newId("cmpl-");
    long created = clock.instant().getEpochSecond();
    String modelId = p.model().config().id();
    String fp = p.model().fingerprint();
    int completionTokens = 0;
    int promptTokens = 0;
    int cachedTokens = 0;
    for (int pi = 0; pi < p.prompts().size(); pi++) {
      PromptTokens prompt = p.prompts().get(pi);
      promptTokens += prompt.tokens().length;
      for (int i = 0; i < r.n(); i++) {
        int index = pi * r.n() + i;
        int[] offset = {0};
        List<Sequence.TokenLogprob> echoed = r.echo() && r.logprobs() != null ? new ArrayList<>() : null;
        // the echo goes first; its log-probabilities are known once the prompt is fed, i.e. at the first text
        boolean[] echoPending = {r.echo()};
        java.util.function.BooleanSupplier sendEcho = () -> {
          echoPending[0] = false;
          Completion.Logprobs lp = echoed == null ? null : legacy(echoed, 0);
          offset[0] = prompt.text().length();
          return stream.send(chunk(id, created, modelId, fp, new Completion.Choice(prompt.text(), index, lp, null)));
        };
        Sequence.Result res = p.model().loop().generate(prompt.tokens(), params(p, i), (text, lps) -> {
          if (echoPending[0] && !sendEcho.getAsBoolean()) {
            return false;
          }
          Completion.Logprobs lp = r.logprobs() == null ? null : legacy(lps, offset[0]);
          offset[0] += text.length();
          return stream.send(chunk(id, created, modelId, fp, new Completion.Choice(text, index, lp, null)));
        }, echoed);
        if (!res.cancelled() && echoPending[0] && !sendEcho.getAsBoolean()) {
          end(stream, false);
          return;
        }
        if (res.cancelled()) {
          end(stream, false);
          return;
        }
        completionTokens += res.completionTokens();
        cachedTokens += i == 0 ? res.cachedTokens() : 0; // later choices reuse the first one's prompt
        if (!stream.send(chunk(id, created, modelId, fp, new Completion.Choice("", index, null, res.finishReason())))) {
          end(stream, false);
          return;
        }
      }
    }
    if (r.includeUsage()) {
      stream.send(new Completion(id, Completion.OBJECT, created, modelId, List.of(), fp,
          CompletionUsage.of(promptTokens, completionTokens, cachedTokens, 0)));
    }
    end(stream, true);
  }

  private static Completion chunk(String id, long created, String model, String fp, Completion.Choice choice) {
    return new Completion(id, Completion.OBJECT, created, model, List.of(choice), fp, null);
  }

  private static void end(SseStream stream, boolean normal) {
    if (normal) {
      stream.done();
    } else if (stream.shuttingDown()) {
      stream.fail(SseStreams.SHUTTING_DOWN);
    } else {
      stream.close();
    }
  }

  /** The legacy layout; offsets count characters from {@code start} (the choice's text so far). */
  static Completion.Logprobs legacy(List<Sequence.TokenLogprob> lps, int start) {
    List<String> tokens = new ArrayList<>(lps.size());
    List<Double> logprobs = new ArrayList<>(lps.size());
    List<Map<String, Double>> top = new ArrayList<>(lps.size());
    List<Integer> offsets = new ArrayList<>(lps.size());
    int offset = start;
    for (Sequence.TokenLogprob t : lps) {
      tokens.add(t.text());
      logprobs.add(Double.isNaN(t.logprob()) ? null : t.logprob());
      if (t.top() == null) {
        top.add(null);
      } else {
        Map<String, Double> alternatives = new LinkedHashMap<>();
        t.top().forEach(a -> alternatives.putIfAbsent(a.text(), a.logprob()));
        top.add(alternatives);
      }
      offsets.add(offset);
      offset += t.text().length();
    }
    return new Completion.Logprobs(tokens, logprobs, top, offsets);
  }
}
