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
  private final TrieNode root = new TrieNode();
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
    this.matcher = matcher;
    this.vocabularySize = tokenBytes.size();
    this.endTokens = endTokens.clone();
    for (int id = 0; id < tokenBytes.size(); id++) {
      byte[] bytes = tokenBytes.get(id);
      if (bytes != null && bytes.length > 0) {
        root.insert(bytes, 0, id);
      }
    }
  }

  public GrammarMatcher matcher() {
    return matcher;
  }

  /** The tokens allowed in {@code state}. The returned set must not be modified. */
  public synchronized BitSet allowed(GrammarState state) {
    BitSet mask = cache.get(state);
    if (mask == null) {
      mask = new BitSet(vocabularySize);
      walk(root, state, mask);
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

  private void walk(TrieNode node, GrammarState state, BitSet mask) {
    if (!state.canContinue()) {
      return;
    }
    for (int i = 0; i < node.childCount; i++) {
      TrieNode child = node.children[i];
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

  /** A trie node with sparse children (a vocabulary has hundreds of thousands of nodes). */
  private static final class TrieNode {
    byte[] labels = new byte[0];
    TrieNode[] children = new TrieNode[0];
    int childCount;
    int[] tokens = new int[0];
    int tokenCount;

    TrieNode child(byte label) {
      for (int i = 0; i < childCount; i++) {
        if (labels[i] == label) {
          return children[i];
        }
      }
      if (childCount == labels.length) {
        int n = Math.max(2, labels.length * 2);
        labels = java.util.Arrays.copyOf(labels, n);
        children = java.util.Arrays.copyOf(children, n);
      }
      labels[childCount] = label;
      children[childCount] = new TrieNode();
      return children[childCount++];
    }

    void insert(byte[] bytes, int at, int id) {
      if (at == bytes.length) {
        if (tokenCount == tokens.length) {
          tokens = java.util.Arrays.copyOf(tokens, Math.max(1, tokens.length * 2));
        }
        tokens[tokenCount++] = id;
        return;
      }
      child(bytes[at]).insert(bytes, at + 1, id);
    }
  }
}
