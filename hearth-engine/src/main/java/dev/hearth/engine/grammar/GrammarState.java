package dev.hearth.engine.grammar;

import java.util.Set;

/**
 * Where a recognizer stands after some bytes: the set of parse stacks still alive (each waiting on
 * a byte class) and whether the bytes so far already form a complete sentence. Immutable and
 * comparable, so token masks can be cached per state: inside a long string the state repeats.
 */
public record GrammarState(Set<GrammarState.Frame> stacks, boolean complete) {

  public GrammarState {
    stacks = Set.copyOf(stacks);
  }

  /** No stack left and not complete: the bytes cannot be continued into a sentence. */
  public boolean dead() {
    return stacks.isEmpty() && !complete;
  }

  /** Whether any further byte can be accepted. */
  public boolean canContinue() {
    return !stacks.isEmpty();
  }

  /**
   * The top of one parse stack: position {@code pos} in alternative {@code alt} of {@code rule};
   * {@code parent} is the frame that referred to this rule (null at the bottom).
   */
  public record Frame(int rule, int alt, int pos, Frame parent) {}
}
