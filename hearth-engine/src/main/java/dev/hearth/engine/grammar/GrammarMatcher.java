package dev.hearth.engine.grammar;

import dev.hearth.engine.grammar.Grammar.ByteClass;
import dev.hearth.engine.grammar.Grammar.Element;
import dev.hearth.engine.grammar.Grammar.RuleRef;
import dev.hearth.engine.grammar.GrammarState.Frame;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Recognizes a {@link Grammar} byte by byte with a set of parse stacks, the way llama.cpp's
 * grammar sampler does: after each byte every stack is advanced and expanded until its top waits
 * on a byte class; a stack that runs out means the input so far is a complete sentence.
 */
public final class GrammarMatcher {
  private final Grammar grammar;
  private final GrammarState start;

  public GrammarMatcher(Grammar grammar) {
    this.grammar = grammar;
    Set<Frame> stacks = new HashSet<>();
    boolean[] complete = new boolean[1];
    for (int alt = 0; alt < grammar.alternatives(0).size(); alt++) {
      expand(new Frame(0, alt, 0, null), stacks, complete, new HashSet<>());
    }
    this.start = new GrammarState(stacks, complete[0]);
  }

  public Grammar grammar() {
    return grammar;
  }

  public GrammarState start() {
    return start;
  }

  /** The state after one more byte; {@link GrammarState#dead()} if the byte is not allowed. */
  public GrammarState advance(GrammarState state, int b) {
    Set<Frame> next = new HashSet<>();
    boolean[] complete = new boolean[1];
    Set<Frame> visiting = new HashSet<>();
    for (Frame f : state.stacks()) {
      ByteClass expected = (ByteClass) element(f);
      if (expected.matches(b)) {
        expand(new Frame(f.rule(), f.alt(), f.pos() + 1, f.parent()), next, complete, visiting);
      }
    }
    return new GrammarState(next, complete[0]);
  }

  /** The state after all of {@code bytes}; dead as soon as one is refused. */
  public GrammarState advance(GrammarState state, byte[] bytes) {
    GrammarState s = state;
    for (byte b : bytes) {
      s = advance(s, b & 0xFF);
      if (s.dead()) {
        return s;
      }
    }
    return s;
  }

  /** Whether {@code text} (UTF-8) is a complete sentence of the grammar. */
  public boolean matches(String text) {
    GrammarState s = advance(start, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return s.complete();
  }

  private Element element(Frame f) {
    return grammar.alternatives(f.rule()).get(f.alt()).get(f.pos());
  }

  /**
   * Moves {@code f} forward until its top waits on a byte class: finishing an alternative pops to
   * the parent (past the reference), a reference pushes each alternative of its rule. {@code
   * visiting} stops cycles through empty alternatives (a rule that can reach itself without
   * consuming a byte).
   */
  private void expand(Frame f, Set<Frame> out, boolean[] complete, Set<Frame> visiting) {
    while (true) {
      if (f == null) {
        complete[0] = true;
        return;
      }
      List<Element> alt = grammar.alternatives(f.rule()).get(f.alt());
      if (f.pos() < alt.size()) {
        break;
      }
      Frame p = f.parent();
      f = p == null ? null : new Frame(p.rule(), p.alt(), p.pos() + 1, p.parent());
    }
    Element e = element(f);
    if (e instanceof ByteClass) {
      out.add(f);
      return;
    }
    if (!visiting.add(f)) {
      return;
    }
    int rule = ((RuleRef) e).rule();
    for (int alt = 0; alt < grammar.alternatives(rule).size(); alt++) {
      expand(new Frame(rule, alt, 0, f), out, complete, visiting);
    }
  }
}
