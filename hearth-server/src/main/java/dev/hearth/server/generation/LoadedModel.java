package dev.hearth.server.generation;

import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.grammar.Grammar;
import dev.hearth.engine.grammar.GrammarMatcher;
import dev.hearth.engine.grammar.TokenMasker;
import dev.hearth.engine.grammar.TokenTrie;
import dev.hearth.engine.tokenizer.TokenType;
import dev.hearth.engine.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import dev.hearth.engine.model.Model;
import dev.hearth.engine.template.ChatTemplate;
import dev.hearth.engine.tokenizer.Vocabulary;
import dev.hearth.server.config.ModelConfig;

/**
 * A GGUF model loaded once and shared by every request for it: the mapped file, the engine's
 * model, the compiled chat template (null when the file has none) and the model's scheduler.
 */
public final class LoadedModel implements AutoCloseable {
  private final ModelConfig config;
  private final GgufFile file;
  private final Model model;
  private final ChatTemplate template;
  private final Scheduler scheduler;
  private final String fingerprint;
  private final boolean reasoningTags;
  private final StepLoop loop;
  private final int contextLength;

  LoadedModel(ModelConfig config, GgufFile file, Model model, ChatTemplate template, boolean reasoningTags,
      Scheduler scheduler, int contextLimit, int batchTokens, long prefixCacheBytes) {
    this.contextLength = Math.min(model.config().contextLength(), contextLimit);
    this.reasoningTags = reasoningTags;
    this.loop = new StepLoop(model, config.id(), batchTokens, new PrefixCache(model.config(), prefixCacheBytes));
    this.config = config;
    this.file = file;
    this.model = model;
    this.template = template;
    this.scheduler = scheduler;
    this.fingerprint = "fp_" + String.format("%08x", (config.id() + "|" + config.source()).hashCode());
  }

  public ModelConfig config() {
    return config;
  }

  public Model model() {
    return model;
  }

  /** The model's {@code tokenizer.chat_template}, or null. */
  public ChatTemplate template() {
    return template;
  }

  /** Whether the chat template has the model think in {@code <think>…</think>} (Qwen3 style). */
  public boolean reasoningTags() {
    return reasoningTags;
  }

  /** The loop that advances this model's running sequences (continuous batching). */
  public StepLoop loop() {
    return loop;
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  /**
   * The context a request may use: the model's, capped by the {@code context_length} option (each
   * running sequence holds a KV cache of up to this many tokens).
   */
  public int contextLength() {
    return contextLength;
  }

  /** {@code system_fingerprint}: stable for one model file and configuration. */
  public String fingerprint() {
    return fingerprint;
  }

  /** The text of a special token (for {@code bos_token}/{@code eos_token} in templates), or null. */
  /**
   * The token masker for a grammar, shared by every request with the same schema (its per-state
   * masks are cached). The vocabulary trie is built on first use and kept.
   */
  public TokenMasker masker(String schemaKey, Supplier<Grammar> grammar) {
    synchronized (maskers) {
      TokenMasker masker = maskers.get(schemaKey);
      if (masker == null) {
        if (trie == null) {
          Tokenizer tokenizer = model.tokenizer();
          List<byte[]> bytes = new ArrayList<>(tokenizer.vocabulary().size());
          for (int id = 0; id < tokenizer.vocabulary().size(); id++) {
            boolean control = tokenizer.vocabulary().type(id) == TokenType.CONTROL;
            bytes.add(control ? null : tokenizer.tokenBytes(id, false));
          }
          trie = TokenTrie.of(bytes);
        }
        masker = new TokenMasker(new GrammarMatcher(grammar.get()), trie, tokenizer().specialTokens().endOfGeneration());
        maskers.put(schemaKey, masker);
      }
      return masker;
    }
  }

  private Tokenizer tokenizer() {
    return model.tokenizer();
  }

  private TokenTrie trie;
  private final Map<String, TokenMasker> maskers = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, TokenMasker> eldest) {
      return size() > 32;
    }
  };

  public String tokenText(int id) {
    Vocabulary v = model.tokenizer().vocabulary();
    return id >= 0 && id < v.size() ? v.text(id) : null;
  }

  /** The id of a token given by its text, or -1. */
  public int tokenId(String text) {
    return model.tokenizer().vocabulary().id(text);
  }

  @Override
  public void close() {
    loop.close();
    file.close();
  }
}
