package dev.hearth.server.generation;

import dev.hearth.engine.grammar.GrammarState;
import dev.hearth.engine.grammar.TokenMasker;
import java.util.BitSet;

/**
 * One sequence's place in its grammar: before each sample every token the grammar refuses gets
 * a logit of minus infinity, and each chosen token moves the grammar on. The masker (and its
 * per-state cache) is shared by every sequence under the same schema.
 */
final class GrammarConstraint {
  private final TokenMasker masker;
  private GrammarState state;

  GrammarConstraint(TokenMasker masker) {
    this.masker = masker;
    this.state = masker.matcher().start();
  }

  void mask(float[] logits) {
    BitSet allowed = masker.allowed(state);
    for (int t = allowed.nextClearBit(0); t < logits.length; t = allowed.nextClearBit(t + 1)) {
      logits[t] = Float.NEGATIVE_INFINITY;
    }
  }

  void accept(byte[] tokenBytes) {
    state = masker.advance(state, tokenBytes);
  }
}
