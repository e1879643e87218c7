package dev.hearth.engine.grammar;

import java.util.List;

/**
 * A vocabulary's tokens as a byte trie, built once per model and shared by every grammar that
 * constrains it ({@link TokenMasker}).
 */
public final class TokenTrie {
  private final Node root = new Node();
  private final int vocabularySize;

  private TokenTrie(int vocabularySize) {
    this.vocabularySize = vocabularySize;
  }

  /** @param tokenBytes each token's bytes by id; null for tokens never allowed in constrained text */
  public static TokenTrie of(List<byte[]> tokenBytes) {
    TokenTrie trie = new TokenTrie(tokenBytes.size());
    for (int id = 0; id < tokenBytes.size(); id++) {
      byte[] bytes = tokenBytes.get(id);
      if (bytes != null && bytes.length > 0) {
        trie.root.insert(bytes, 0, id);
      }
    }
    return trie;
  }

  public int vocabularySize() {
    return vocabularySize;
  }

  Node root() {
    return root;
  }

  /** A node with sparse children (a vocabulary has hundreds of thousands of nodes). */
  static final class Node {
    byte[] labels = new byte[0];
    Node[] children = new Node[0];
    int childCount;
    int[] tokens = new int[0];
    int tokenCount;

    Node child(byte label) {
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
      children[childCount] = new Node();
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
