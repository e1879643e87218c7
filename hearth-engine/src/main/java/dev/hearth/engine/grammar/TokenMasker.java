package dev.hearth.engine.grammar;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which tokens of a vocabulary may come next under a grammar. Tokens are byte strings in a trie,
 * walked once per state with the recognizer: a branch is abandoned at the first byte the grammar
 * refuses, so a state that allows few bytes costs little. Masks are cached per state (bounded,
 * least recently used first out); inside a string or a number the state repeats, so most steps
 * of a long output are cache hits.
 */
public final class TokenMasker {
  private static final int CACHE_SIZE = 4096;

  private final GrammarMatcher matcher;
  private final TokenTrie trie;
  private final int vocabularySize;
  private final int[] endTokens;
  private final Map<GrammarState, BitSet> cache =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<GrammarState, BitSet> eldest) {
          return size() > CACHE_SIZE;
        }
      };

  /**
   * @param tokenBytes each token's bytes by id; null for tokens that never appear in constrained
   *     text (control and special tokens)
   * @param endTokens end-of-generation tokens, allowed exactly when the text is complete
   */
  public TokenMasker(GrammarMatcher matcher, List<byte[]> tokenBytes, int[] endTokens) {
    this(matcher, TokenTrie.of(tokenBytes), endTokens);
  }

  /** With a trie built once per vocabulary and shared by every grammar used with it. */
  public TokenMasker(GrammarMatcher matcher, TokenTrie trie, int[] endTokens) {
    this.matcher = matcher;
    this.trie = trie;
    this.vocabularySize = trie.vocabularySize();
    this.endTokens = endTokens.clone();
  }

  public GrammarMatcher matcher() {
    return matcher;
  }

  /** The tokens allowed in {@code state}. The returned set must not be modified. */
  public synchronized BitSet allowed(GrammarState state) {
    BitSet mask = cache.get(state);
    if (mask == null) {
      mask = new BitSet(vocabularySize);
      walk(trie.root(), state, mask);
      if (state.complete()) {
        for (int t : endTokens) {
          mask.set(t);
        }
      }
      cache.put(state, mask);
    }
    return mask;
  }

  /** The state after a token's bytes. */
  public GrammarState advance(GrammarState state, byte[] tokenBytes) {
    return matcher.advance(state, tokenBytes);
  }

  private void walk(TokenTrie.Node node, GrammarState state, BitSet mask) {
    if (states.size() > MAX_STATES) {
      stateIds.clear();
      states.clear();
      transitions.clear();
    }
    walk(node, id(state), mask);
  }

  /**
   * The trie walk runs on interned states and memoized byte transitions: a vocabulary has hundreds
   * of thousands of trie nodes but a walk meets only a few dozen grammar states (inside a string
   * almost every byte leads back to the same one), so each node costs an array lookup instead of a
   * run of the recognizer.
   */
  private void walk(TokenTrie.Node node, int state, BitSet mask) {
    if (!states.get(state).canContinue()) {
      return;
    }
    int[] next = transitions.get(state);
    for (int i = 0; i < node.childCount; i++) {
      int b = node.labels[i] & 0xFF;
      int n = next[b];
      if (n == UNKNOWN) {
        GrammarState s = matcher.advance(states.get(state), b);
        n = s.dead() ? DEAD : id(s);
        next[b] = n;
      }
      if (n == DEAD) {
        continue;
      }
      TokenTrie.Node child = node.children[i];
      for (int t = 0; t < child.tokenCount; t++) {
        mask.set(child.tokens[t]);
      }
      walk(child, n, mask);
    }
  }

  private static final int UNKNOWN = -2;
  private static final int DEAD = -1;
  /** Interned states beyond which the transition memo starts over (bounds its memory). */
  private static final int MAX_STATES = 50_000;
  private final Map<GrammarState, Integer> stateIds = new java.util.HashMap<>();
  private final List<GrammarState> states = new java.util.ArrayList<>();
  private final List<int[]> transitions = new java.util.ArrayList<>();

  private int id(GrammarState s) {
    Integer id = stateIds.get(s);
    if (id == null) {
      id = states.size();
      stateIds.put(s, id);
      states.add(s);
      int[] next = new int[256];
      java.util.Arrays.fill(next, UNKNOWN);
      transitions.add(next);
    }
    return id;
  }
}
