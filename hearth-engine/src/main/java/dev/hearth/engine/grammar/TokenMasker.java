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
    if (!state.canContinue()) {
      return;
    }
    for (int i = 0; i < node.childCount; i++) {
      TokenTrie.Node child = node.children[i];
      GrammarState next = matcher.advance(state, node.labels[i] & 0xFF);
      if (next.dead()) {
        continue;
      }
      for (int t = 0; t < child.tokenCount; t++) {
        mask.set(child.tokens[t]);
      }
      walk(child, next, mask);
    }
  }
}
