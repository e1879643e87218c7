package dev.hearth.server.generation;

import dev.hearth.engine.grammar.GrammarState;
import dev.hearth.engine.grammar.TokenMasker;
import dev.hearth.engine.sampling.Sampler;
import dev.hearth.engine.tokenizer.TokenType;
import dev.hearth.engine.tokenizer.Tokenizer;
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

  /**
   * Samples a token the grammar allows. With {@code firstTry}, a draw from the unconstrained logits
   * is kept when the grammar accepts it, and only a refused draw costs a mask and a second draw: the
   * result has exactly the constrained distribution (a token is drawn first with p(t), or after a
   * refusal, which happens with 1 - Z, from p(t)/Z; in all p(t)/Z), but most steps of a model that
   * already writes valid text need no mask. Without it (top_p below 1, log-probabilities wanted) the
   * logits are masked first, so they are exactly the constrained ones.
   */
  int sample(Sampler sampler, float[] logits, Tokenizer tokenizer, boolean firstTry) {
    if (firstTry) {
      int token = sampler.sample(logits);
      if (allows(token, tokenizer)) {
        return token;
      }
      BitSet allowed = masker.allowed(state);
      int count = allowed.cardinality();
      if (count > 0 && count <= logits.length / 4) {
        // few tokens allowed (markup, numbers, enums): draw among them only, in id order, which picks
        // what a draw over the masked logits would, without sorting the whole vocabulary again
        int[] ids = new int[count];
        float[] candidates = new float[count];
        int k = 0;
        for (int t = allowed.nextSetBit(0); t >= 0 && t < logits.length; t = allowed.nextSetBit(t + 1)) {
          ids[k] = t;
          candidates[k++] = logits[t];
        }
        return ids[sampler.sample(k == count ? candidates : java.util.Arrays.copyOf(candidates, k))];
      }
    }
    mask(logits);
    return sampler.sample(logits);
  }

  private boolean allows(int token, Tokenizer tokenizer) {
    if (tokenizer.specialTokens().isEndOfGeneration(token)) {
      return state.complete();
    }
    if (tokenizer.vocabulary().type(token) == TokenType.CONTROL) {
      return false;
    }
    byte[] bytes = tokenizer.tokenBytes(token, false);
    return bytes.length > 0 && !masker.advance(state, bytes).dead();
  }

  void accept(byte[] tokenBytes) {
    state = masker.advance(state, tokenBytes);
  }
}
