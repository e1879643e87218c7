package dev.hearth.server.generation;

import dev.hearth.engine.model.InferenceState;
import dev.hearth.engine.model.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The KV caches of recently finished sequences of one model (their prompt and what they
 * generated), least recently used first out, within a memory budget. A new request whose prompt
 * starts with one of them (a shared system prompt, the earlier turns of a chat) starts from a copy
 * of the longest such prefix and feeds only the rest. The cached positions hold exactly what
 * feeding those tokens computes, so a hit changes no output, only the work.
 *
 * <p>Entries are compact copies nobody feeds, so lookups copy from them without locking the
 * model's loop; the map itself is guarded by this object.
 */
public final class PrefixCache {
  /** Matches shorter than this are not worth a copy. */
  static final int MIN_MATCH = 4;

  private final long budgetBytes;
  private final long bytesPerToken;
  private final long fixedBytes;
  private final Map<Key, InferenceState> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long usedBytes;
  private long hits;
  private long hitTokens;

  /** @param budgetBytes KV memory the cached states may hold; 0 disables the cache */
  public PrefixCache(ModelConfig config, long budgetBytes) {
    this.budgetBytes = Math.max(0, budgetBytes);
    this.bytesPerToken = 2L * config.blockCount() * config.keyValueDimension() * Float.BYTES
        + (long) config.headCount() * Float.BYTES; // K and V per layer, the attention scores row
    this.fixedBytes = (long) Float.BYTES * (config.vocabularySize() + 6L * config.embeddingLength()
        + 2L * config.queryDimension() + 2L * config.keyValueDimension() + 2L * config.feedForwardLength());
  }

  public boolean enabled() {
    return budgetBytes > 0;
  }

  /** What a state of {@code tokens} positions costs in memory. */
  long bytes(int tokens) {
    return fixedBytes + bytesPerToken * tokens;
  }

  /** A hit: a fresh state with room for {@code capacity} tokens holding the prompt's first {@code tokens}. */
  public record Hit(InferenceState state, int tokens) {}

  /**
   * The longest cached prefix of {@code prompt}, copied into a new state of {@code capacity}; at
   * least one prompt token is always left to feed (its logits start the generation). Null on a miss.
   */
  public Hit lookup(int[] prompt, int capacity) {
    if (!enabled() || prompt.length <= MIN_MATCH) {
      return null;
    }
    InferenceState best = null;
    int bestLength = 0;
    synchronized (this) {
      Key bestKey = null;
      for (Map.Entry<Key, InferenceState> e : entries.entrySet()) {
        int common = Math.min(Arrays.mismatch(e.getKey().tokens, prompt) & Integer.MAX_VALUE,
            Math.min(e.getKey().tokens.length, prompt.length));
        if (common > bestLength) {
          bestLength = common;
          bestKey = e.getKey();
          best = e.getValue();
        }
      }
      bestLength = Math.min(bestLength, prompt.length - 1);
      if (best == null || bestLength < MIN_MATCH) {
        return null;
      }
      entries.get(bestKey); // most recently used now
      hits++;
      hitTokens += bestLength;
    }
    return new Hit(best.copyPrefix(bestLength, capacity), bestLength);
  }

  /**
   * Keeps a compact copy of the first {@code tokens.length} positions of a sequence's state, which
   * hold {@code tokens}; drops entries it makes redundant (its own prefixes) and the least recently
   * used beyond the budget. The state may still be growing (a running sequence whose prompt was just
   * fed): positions before its length never change, and only those are read.
   */
  public void offer(int[] tokens, InferenceState state) {
    if (!enabled() || tokens.length < MIN_MATCH || tokens.length > state.length() || bytes(tokens.length) > budgetBytes) {
      return;
    }
    synchronized (this) {
      if (covered(tokens)) {
        return;
      }
    }
    InferenceState compact = state.copyPrefix(tokens.length, tokens.length); // outside the lock: a large copy
    Key key = new Key(tokens.clone());
    synchronized (this) {
      if (covered(tokens)) { // offered meanwhile
        return;
      }
      List<Key> covered = new ArrayList<>();
      for (Key k : entries.keySet()) {
        if (k.tokens.length < tokens.length && Arrays.equals(k.tokens, 0, k.tokens.length, tokens, 0, k.tokens.length)) {
          covered.add(k);
        }
      }
      covered.forEach(this::remove);
      entries.put(key, compact);
      usedBytes += bytes(tokens.length);
      for (Iterator<Key> it = entries.keySet().iterator(); usedBytes > budgetBytes && it.hasNext(); ) {
        Key eldest = it.next();
        it.remove();
        usedBytes -= bytes(eldest.tokens.length);
      }
    }
  }

  /** Whether an entry already holds these tokens (or more after them); refreshes it. */
  private boolean covered(int[] tokens) {
    for (Key k : entries.keySet()) {
      if (k.tokens.length >= tokens.length && Arrays.equals(k.tokens, 0, tokens.length, tokens, 0, tokens.length)) {
        entries.get(k);
        return true;
      }
    }
    return false;
  }

  private void remove(Key k) {
    if (entries.remove(k) != null) {
      usedBytes -= bytes(k.tokens.length);
    }
  }

  /** Cached states (tests and metrics). */
  public synchronized int size() {
    return entries.size();
  }

  /** Memory the cached states hold, by the cache's estimate. */
  public synchronized long usedBytes() {
    return usedBytes;
  }

  /** Lookups that hit, and the prompt tokens they saved feeding. */
  public synchronized long[] hits() {
    return new long[] {hits, hitTokens};
  }

  /** A token sequence as a map key. */
  private record Key(int[] tokens) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(tokens, k.tokens);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
      return tokens.length + " tokens";
    }
  }
}
